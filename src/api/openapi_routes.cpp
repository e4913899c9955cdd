// GET /openapi.json (never under API_ROOT): the document of this server's routes; GET
// {API_ROOT}/docs: Swagger UI on it, its files served from the binary.
#include <memory>
#include <mutex>

#include "api/assets.hpp"
#include "api/openapi.hpp"
#include "api/route_doc.hpp"
#include "api/routes.hpp"
#include "core/html_template.hpp"

namespace gatehouse::api {

namespace {

// Rendered at the first request, when every route is registered, then kept.
struct RenderedDocument {
  std::once_flag once;
  std::string text;
};

// Swagger UI sets styles from script and in attributes: the docs page allows inline styles,
// never inline or foreign scripts, and talks only to this server.
constexpr const char* kDocsCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

Result<http::Response> docs_page(const ApiContext& ctx) {
  const auto text = ctx.assets.template_text("docs.html");
  if (!text) return Error::internal("template docs.html is missing");
  http::Response r = http::Response::html(
      200, render_template(
               *text, {{"title", ctx.settings.metadata.title}, {"root", ctx.settings.api_root}}));
  r.headers.set("Content-Security-Policy", kDocsCsp);
  return r;
}

Result<http::Response> docs_ui_file(const ApiContext& ctx, std::string_view path) {
  const auto data = ctx.assets.docs_ui_file(path);
  if (!data) return Error::not_found();
  http::Response r =
      http::Response::text(200, std::string(*data), std::string(content_type_for(path)));
  r.headers.set("Cache-Control", "public, max-age=86400");
  return r;
}

}  // namespace

void register_openapi_routes(http::Router& router, const ApiContext& ctx) {
  auto rendered = std::make_shared<RenderedDocument>();
  add_route(router, "GET", "/openapi.json",
            {.tag = "Monitoring",
             .summary = "This OpenAPI document",
             .replies = {{200, "The document", "OpenApiDocument"}}},
            [&router, &ctx, rendered](http::Request&) -> Result<http::Response> {
              std::call_once(rendered->once,
                             [&] { rendered->text = openapi_document(router, ctx.settings); });
              return http::Response::json(200, rendered->text);
            },
            {.inline_handler = true});
  const std::string docs = ctx.settings.api_root + "/docs";
  add_route(router, "GET", docs,
            {.tag = "Pages",
             .summary = "Interactive API documentation",
             .description = "Swagger UI on /openapi.json; Authorize takes a bearer token or an "
                            "API key.",
             .replies = {{200, "The page", "", "text/html"}}},
            [&ctx](http::Request&) { return docs_page(ctx); }, {.inline_handler = true});
  add_route(router, "GET", docs + "/ui/{file:path}",
            {.tag = "Pages",
             .summary = "Files of the documentation page (Swagger UI)",
             .replies = {{200, "The file", "", "*/*"}},
             .errors = {ErrorCode::kNotFound}},
            [&ctx](http::Request& req) { return docs_ui_file(ctx, *req.param("file")); },
            {.inline_handler = true});
}

}  // namespace gatehouse::api
