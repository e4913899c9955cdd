#pragma once
// Rate limits declared with the route, applied here, once, for every answer of the route.
//
// A limited route is two steps: `read` parses and validates the request (a 422 from it does
// not count toward any limit, as the FastAPI template's limiter runs after request
// validation), then the route's limits are counted in the declared order (the first refusal
// is the answer: 429, or 503 when the store is down and limits fail closed), then `act`
// calls the service. Every answer after counting, errors included, carries the RateLimit-*
// headers of the first limit (server errors pass through so the pipeline logs their cause).
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "api/access.hpp"
#include "api/context.hpp"
#include "api/route_doc.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "kv/rate_limiter.hpp"
#include "services/principal.hpp"

namespace gatehouse::api {

// What a limit counts per: the client address, the signed-in caller, or the email the
// request names (login's per-account limit).
enum class LimitKey { kClientIp, kCaller, kEmail };

struct LimitUse {
  std::string_view name;  // a name of api/rate_limits.cpp's table (RATE_LIMITS overrides it)
  LimitKey key = LimitKey::kClientIp;
};

using RouteLimits = std::vector<LimitUse>;

// What the read step tells the limits about this request.
struct LimitSubject {
  std::string_view email;  // for LimitKey::kEmail
  bool counts = true;  // false: this request is not limited (PUT /users/{id} without a password)
};

using RateDecisions = std::vector<std::optional<kv::RateDecision>>;

// Counts `limits` for this request in order; the first refusal is returned.
Result<RateDecisions> count_limits(const ApiContext& ctx, const RouteLimits& limits,
                                   const http::Request& req, const services::Principal* caller,
                                   const LimitSubject& subject);

// `result` with the RateLimit-* headers of the first enforced decision.
Result<http::Response> with_rate_headers(Result<http::Response> result,
                                         const RateDecisions& decisions);

template <class Input>
using ReadStep = Result<Input> (*)(const ApiContext&, http::Request&, const services::Principal*);
template <class Input>
using ActStep = Result<http::Response> (*)(const ApiContext&, http::Request&, Input&,
                                           const services::Principal*);

// The read step of a route whose limits count before anything is read.
struct NoInput {};
inline Result<NoInput> read_nothing(const ApiContext&, http::Request&, const services::Principal*) {
  return NoInput{};
}

template <class Input>
Result<http::Response> run_limited(const ApiContext& ctx, const RouteLimits& limits,
                                   ReadStep<Input> read, ActStep<Input> act, http::Request& req,
                                   const services::Principal* caller) {
  auto input = read(ctx, req, caller);
  if (!input) return input.error();
  LimitSubject subject;
  if constexpr (requires(const Input& in) { in.limit_subject(); }) {
    subject = input->limit_subject();
  }
  auto decisions = count_limits(ctx, limits, req, caller, subject);
  if (!decisions) return decisions.error();
  return with_rate_headers(act(ctx, req, *input, caller), *decisions);
}

// A public route with rate limits.
template <class Input>
void add_limited(http::Router& router, const ApiContext& ctx, std::string_view method,
                 std::string_view pattern, RouteDoc doc, RouteLimits limits, ReadStep<Input> read,
                 ActStep<Input> act, http::RouteOptions options = {}) {
  for (const auto& use : limits) doc.limits.push_back(use.name);
  add_route(
      router, method, pattern, std::move(doc),
      [&ctx, limits = std::move(limits), read, act](http::Request& req) {
        return run_limited(ctx, limits, read, act, req, nullptr);
      },
      std::move(options));
}

// A protected route (api/access.hpp) with rate limits, counted after the access checks.
template <class Input>
void add_protected_limited(http::Router& router, const ApiContext& ctx, std::string_view method,
                           std::string_view pattern, Access access, RouteDoc doc,
                           RouteLimits limits, ReadStep<Input> read, ActStep<Input> act,
                           http::RouteOptions options = {}) {
  for (const auto& use : limits) doc.limits.push_back(use.name);
  add_protected(
      router, ctx, std::string(method), pattern, access, std::move(doc),
      [&ctx, limits = std::move(limits), read, act](http::Request& req,
                                                    const services::Principal& p) {
        return run_limited(ctx, limits, read, act, req, &p);
      },
      std::move(options));
}

}  // namespace gatehouse::api
