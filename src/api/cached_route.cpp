#include "api/cached_route.hpp"

#include <stdexcept>

#include "api/responses.hpp"
#include "api/route_doc.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::api {

namespace {

// Cache-Control: no-cache or no-store on the request skips the cache (no read, no write),
// as the reference; also when it is one directive among others.
bool client_refuses_cache(const http::Request& req) {
  const auto cc = req.headers.get("Cache-Control");
  if (!cc) return false;
  std::string lower(*cc);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("no-cache") != std::string::npos || lower.find("no-store") != std::string::npos;
}

// If-None-Match lists `etag` (or is "*").
bool matches(const http::Request& req, const std::string& etag) {
  const auto inm = req.headers.get("If-None-Match");
  if (!inm || etag.empty()) return false;
  std::string_view rest = *inm;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);  // weak comparison (RFC 9110 13.1.2)
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

// The answer for a cached body: 304 when the client has it, 200 otherwise.
http::Response answer(const http::Request& req, const kv::CachedResponse& entry,
                      const char* x_cache) {
  http::Response r;
  if (matches(req, entry.etag)) {
    r.status = 304;
  } else {
    r = http::Response::text(200, entry.body, entry.content_type);
  }
  r.headers.set("ETag", entry.etag);
  r.headers.set("X-Cache", x_cache);
  no_store(r);
  return r;
}

}  // namespace

std::string etag_of(std::string_view body) {
  return "\"" + crypto::hex_encode(crypto::sha256(body).substr(0, 16)) + "\"";
}

Result<http::Response> serve_cached(const ApiContext& ctx, const http::Request& req,
                                    std::string_view scope, std::string_view key,
                                    const CachedRender& render) {
  // The document promises 304 only on routes declared cached: keep the two together.
  if (!route_doc(req).cached) {
    throw std::logic_error("route " + req.route->pattern + " is served cached but not declared so");
  }
  std::chrono::milliseconds ttl = std::chrono::seconds(ctx.settings.cache_default_ttl);
  if (!ctx.settings.cache_enabled || client_refuses_cache(req)) return render(ttl);
  auto found = ctx.cache.get(scope, key);
  if (!found) return render(ttl);  // store unreachable: counted by the cache, served without
  if (found->hit) {
    obs::count_cache_lookup("hit");
    return answer(req, *found->hit, "HIT");
  }
  obs::count_cache_lookup("miss");
  auto rendered = render(ttl);
  if (!rendered || rendered->status != 200) return rendered;
  kv::CachedResponse entry;
  entry.body = std::move(rendered->body);
  entry.etag = etag_of(entry.body);
  const auto type = rendered->headers.get("Content-Type");
  entry.content_type = type ? std::string(*type) : "application/json";
  if (ttl.count() > 0) (void)ctx.cache.put(scope, key, found->generation, entry, ttl);
  http::Response r = answer(req, entry, "MISS");
  // Keep whatever else the handler set (e.g. security or rate-limit headers).
  for (const auto& [name, value] : rendered->headers.entries()) {
    if (!r.headers.has(name)) r.headers.add(name, value);
  }
  return r;
}

}  // namespace gatehouse::api
