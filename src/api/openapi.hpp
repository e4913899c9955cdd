#pragma once
// The OpenAPI 3.1 document of the API, rendered from the route table: each route's template,
// method and declaration (api/route_doc.hpp: the fields its readers read, its answers, its
// access rule and rate limits). Served at /openapi.json and printed by `gatehouse openapi`,
// so the document describes exactly the routes a server with these settings has.
#include <string>

#include "config/settings.hpp"
#include "http/router.hpp"

namespace gatehouse::api {

// The document as JSON text. Routes without a declaration are left out.
std::string openapi_document(const http::Router& router, const config::Settings& settings);

}  // namespace gatehouse::api
