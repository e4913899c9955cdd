#pragma once
// The JSON Schemas (OpenAPI 3.1 / JSON Schema 2020-12) of every response body the API sends,
// by component name; request bodies are rendered from their field declarations instead.
#include <boost/json/object.hpp>

namespace gatehouse::api {

boost::json::object response_schemas();

}  // namespace gatehouse::api
