#pragma once
// The response cache on the wire (docs/http-api.md §10 "Response cache"): the template's
// cached GET routes, looked up only after the route let the caller in (add_protected), so
// the cache never bypasses authentication, roles or scopes.
//
//   CACHE_ENABLED=false, a request with Cache-Control: no-cache or no-store, or a cache that
//   cannot be reached (Redis down)  →  rendered as if there were no cache, no X-Cache.
//   hit   →  the stored body, X-Cache: HIT, its ETag; 304 without a body when If-None-Match
//            names that ETag.
//   miss  →  rendered, filed when it is a 200 (under the generation seen before rendering,
//            so a change made meanwhile wins), X-Cache: MISS, ETag, 304 as above.
// Every answer keeps Cache-Control: no-store (docs/http-api.md §10): the server caches,
// browsers and proxies do not. Lookups count in …_cache_requests_total{result=hit|miss}.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "api/context.hpp"
#include "core/result.hpp"
#include "http/request.hpp"

namespace gatehouse::api {

// Renders the answer. May shorten `ttl` (starts at CACHE_DEFAULT_TTL) when the answer turns
// stale by itself at a known time (a ban or a lockout that ends).
using CachedRender = std::function<Result<http::Response>(std::chrono::milliseconds& ttl)>;

// Serves `req` through the cache: entry `key` of `scope` (kv::cache_scope), which a change of
// what the answer shows invalidates (services/cache_invalidation.hpp).
Result<http::Response> serve_cached(const ApiContext& ctx, const http::Request& req,
                                    std::string_view scope, std::string_view key,
                                    const CachedRender& render);

// The strong ETag of a body: the same on every instance (a SHA-256 prefix).
std::string etag_of(std::string_view body);

}  // namespace gatehouse::api
