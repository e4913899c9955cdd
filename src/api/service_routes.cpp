#include <chrono>
#include <optional>
#include <string>

#include "api/route_doc.hpp"
#include "api/routes.hpp"
#include "core/html_template.hpp"
#include "http/json_text.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;

Response heartbeat(const Request&) { return Response::json(200, R"({"status":"ok"})"); }

Response ready(const ApiContext& ctx) {
  const services::ReadyReport report = ctx.health.check();
  std::string body = R"({"status":")";
  body += report.ok() ? "ok" : "error";
  body += R"(","database":")";
  body += report.database_ok ? "ok" : "error";
  body += R"(","redis":")" + report.redis + "\"}";
  Response r = Response::json(report.ok() ? 200 : 503, std::move(body));
  r.headers.set("Cache-Control", "no-store");
  if (!report.ok()) r.headers.set("Retry-After", "1");
  return r;
}

// The reference answers HTML only when the first Accept entry is exactly text/html
// (browsers), JSON otherwise (curl and httpx send */*).
bool wants_html(const Request& req) {
  const auto accept = req.headers.get("Accept");
  if (!accept) return true;
  std::string_view first = accept->substr(0, accept->find(','));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
  return first == "text/html";
}

Result<Response> root(const ApiContext& ctx, const Request& req) {
  const auto& meta = ctx.settings.metadata;
  if (!wants_html(req)) {
    return Response::json(200,
                          "{\"info\":" + http::json_string(meta.contact_name + "'s " + meta.title) +
                              ",\"repository\":" + http::json_string(meta.repository) + "}");
  }
  const auto text = ctx.assets.template_text("index.html");
  if (!text) return Error::internal("template index.html is missing");
  std::string root_path = ctx.settings.api_root;
  return Response::html(200, render_template(*text, {{"title", meta.title},
                                                     {"description", meta.description},
                                                     {"repository", meta.repository},
                                                     {"author", meta.contact_name},
                                                     {"website", meta.contact_url},
                                                     {"year", meta.year},
                                                     {"version", GATEHOUSE_VERSION},
                                                     {"root", root_path}}));
}

Result<Response> static_file(const ApiContext& ctx, std::string_view path) {
  auto data = ctx.assets.static_file(path);
  if (!data) return Error::not_found();
  Response r = Response::text(200, std::move(*data), std::string(content_type_for(path)));
  r.headers.set("Cache-Control", "public, max-age=3600");
  return r;
}

// The public keys that verify our tokens, for relying parties (docs/http-api.md §2). The set
// is fixed at start-up, so caches may keep it for a while; a rotation publishes the new key
// beside the old one for longer than that.
Result<Response> jwks(const std::optional<std::string>& keys) {
  // HS256: there is no public key, and the secret must never be published.
  if (!keys) return Error::not_found();
  Response r = Response::json(200, *keys);
  r.headers.set("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace

void register_service_routes(http::Router& router, const ApiContext& ctx) {
  const std::string& root_prefix = ctx.settings.api_root;
  const http::RouteOptions cheap{.inline_handler = true};
  const http::RouteOptions assets{.inline_handler = ctx.assets.static_embedded()};

  add_route(router, "GET", root_prefix + "/heartbeat",
            {.tag = "Health",
             .summary = "Simple uptime probe",
             .description = "Liveness: no I/O.",
             .replies = {{200, "Alive", "Status"}}},
            [](Request& req) -> Result<Response> { return heartbeat(req); },
            {.inline_handler = true, .untracked = true});
  add_route(router, "GET", root_prefix + "/ready",
            {.tag = "Health",
             .summary = "Readiness probe",
             .description = "Checks the database and, when configured, Redis.",
             .replies = {{200, "Ready", "Readiness"}, {503, "A dependency is down", "Readiness"}}},
            [&ctx](Request&) -> Result<Response> { return ready(ctx); });
  if (!ctx.settings.no_root_route) {
    add_route(
        router, "GET", root_prefix.empty() ? "/" : root_prefix + "/",
        {.tag = "Pages",
         .summary = "About this service",
         .description = "HTML for browsers (Accept: text/html first), JSON otherwise.",
         .replies = {{200, "Service information", "ServiceInfo"},
                     {200, "The index page", "", "text/html"}}},
        [&ctx](Request& req) { return root(ctx, req); }, cheap);
    add_route(
        router, "GET", root_prefix + "/favicon.ico",
        {.tag = "Pages",
         .summary = "The site icon",
         .replies = {{200, "The icon", "", "image/vnd.microsoft.icon"}},
         .errors = {ErrorCode::kNotFound}},
        [&ctx](Request&) { return static_file(ctx, "favicon.ico"); }, assets);
  }
  // A well-known URI (RFC 8615): always at the server root, whatever API_ROOT is.
  add_route(router, "GET", "/.well-known/jwks.json",
            {.tag = "Monitoring",
             .summary = "The public keys that verify access tokens",
             .description = "With JWT_ALGORITHM ES256 or RS256: the signing key and, during a "
                            "rotation, the previous ones. With HS256 there is no public key: 404.",
             .replies = {{200, "The key set", "JsonWebKeySet"}},
             .errors = {ErrorCode::kNotFound}},
            [keys = ctx.tokens.jwks_json()](Request&) { return jwks(keys); }, cheap);
  add_route(
      router, "GET", root_prefix + "/static/{file:path}",
      {.tag = "Pages",
       .summary = "Static files of the pages",
       .replies = {{200, "The file", "", "*/*"}},
       .errors = {ErrorCode::kNotFound}},
      [&ctx](Request& req) { return static_file(ctx, *req.param("file")); }, assets);
}

}  // namespace gatehouse::api
