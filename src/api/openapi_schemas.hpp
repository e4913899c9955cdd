#pragma once
// The JSON Schemas (OpenAPI 3.1 / JSON Schema 2020-12) of every response body the API sends,
// by component name; request bodies are rendered from their field declarations instead.
#include <boost/json/object.hpp>
#include <string_view>

namespace gatehouse::api {

boost::json::object response_schemas();

// An extension's answer schema (docs/extending.md), a JSON object text with static storage,
// added before the server starts (app/extension.hpp).
void add_response_schema(std::string_view name, std::string_view json_schema);

}  // namespace gatehouse::api
