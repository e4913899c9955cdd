#pragma once
// Reading JSON request bodies the way FastAPI does: only with a JSON content type
// (application/json or application/*+json); malformed JSON, invalid UTF-8 included, is a
// 422 `json_invalid` error at the byte where parsing stopped; anything but an object is a
// 422 `model_attributes_type`.
#include <boost/json/object.hpp>
#include <memory>

#include "core/result.hpp"
#include "http/request.hpp"

namespace gatehouse::api {

Result<boost::json::object> parse_json_object(const http::Request& req);

// parse_json_object(), once per request: later calls share the first result's object (a
// route's access rule and its handler both read PUT /users/{id}'s body). Errors are not kept.
Result<std::shared_ptr<const boost::json::object>> shared_json_object(const http::Request& req);

}  // namespace gatehouse::api
