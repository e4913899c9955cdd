// GET /openapi.json (never under API_ROOT): the document of this server's routes.
#include <memory>
#include <mutex>

#include "api/openapi.hpp"
#include "api/route_doc.hpp"
#include "api/routes.hpp"

namespace gatehouse::api {

namespace {

// Rendered at the first request, when every route is registered, then kept.
struct RenderedDocument {
  std::once_flag once;
  std::string text;
};

}  // namespace

void register_openapi_routes(http::Router& router, const ApiContext& ctx) {
  auto rendered = std::make_shared<RenderedDocument>();
  add_route(router, "GET", "/openapi.json",
            {.tag = "Monitoring",
             .summary = "This OpenAPI document",
             .replies = {{200, "The document", "OpenApiDocument"}}},
            [&router, &ctx, rendered](http::Request&) -> Result<http::Response> {
              std::call_once(rendered->once, [&] {
                rendered->text = openapi_document(router, ctx.settings);
              });
              return http::Response::json(200, rendered->text);
            },
            {.inline_handler = true});
}

}  // namespace gatehouse::api
