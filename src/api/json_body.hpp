#pragma once
// Reading JSON request bodies the way FastAPI does: only with a JSON content type
// (application/json or application/*+json); malformed JSON, invalid UTF-8 included, is a
// 422 `json_invalid` error at the byte where parsing stopped; anything but an object is a
// 422 `model_attributes_type`.
#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "http/request.hpp"

namespace gatehouse::api {

Result<boost::json::object> parse_json_object(const http::Request& req);

}  // namespace gatehouse::api
