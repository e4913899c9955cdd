// GET|HEAD|POST|PUT|PATCH|DELETE /auth/check: forward authentication for reverse proxies
// (docs/forward-auth.md). Authenticates like every protected route (api/auth_guard.hpp) and counts
// toward the caller's USER_RATE_LIMIT / ADMIN_RATE_LIMIT, but has no per-route limit and no
// response cache: a proxy asks on every request, and a revoked session must be refused at once. The
// identity goes back in X-Auth-* headers of a bodiless 204; the header rules are
// services/forward_auth.hpp.
#include "api/access.hpp"
#include "api/auth_guard.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "http/error_response.hpp"
#include "services/forward_auth.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;
using services::Principal;

constexpr std::string_view kRequireRole = "X-Auth-Require-Role";
constexpr std::string_view kRequireScope = "X-Auth-Require-Scope";

// Every occurrence counts: a second header can only add a requirement, never drop one.
services::ForwardRequirements requirements_of(const Request& req) {
  services::ForwardRequirements out;
  for (const auto& [name, value] : req.headers.entries()) {
    if (http::iequals(name, kRequireRole)) services::add_requirement_entries(value, out.roles);
    if (http::iequals(name, kRequireScope)) services::add_requirement_entries(value, out.scopes);
  }
  return out;
}

Result<Response> answer(const ApiContext& ctx, const Request& req, const Principal& p) {
  const auto required = requirements_of(req);
  auto scopes = services::effective_scopes(p);
  // MFA_REQUIRED_FOR_ADMINS: until the second factor holds, an admin has no admin powers
  // behind the proxy either, as on Gatehouse's own admin routes. Requiring them is refused
  // with the same answer; otherwise the caller is presented without them (X-Auth-Role user,
  // no admin:* scope), so an upstream that trusts the headers grants nothing more.
  const Status admin_factor = check_admin_second_factor(ctx, {.audience = Audience::kAdmin}, p, 0);
  std::string_view role = p.user.role;
  if (!admin_factor) {
    if (services::requires_admin_powers(required)) return admin_factor.error();
    std::erase_if(scopes, [](std::string_view s) { return services::is_admin_scope(s); });
    role = store::kRoleUser;
  }
  if (Status s = services::check_requirements(p, scopes, required); !s) return s.error();
  Response r = Response::no_content();
  // Room for every header of the answer (these six, the pipeline's five, CORS and RateLimit-*
  // when on) in one block under glibc's large-chunk size (1 KiB): growing to 16 entries
  // (1 KiB) cost a malloc_consolidate per request, measured with perf.
  r.headers.reserve(14);
  // A fresh response: add, not set (no earlier value to replace).
  r.headers.add("X-Auth-User-Id", std::to_string(p.user.id));
  r.headers.add("X-Auth-Email", p.user.email);
  r.headers.add("X-Auth-Role", std::string(role));
  r.headers.add("X-Auth-Scopes", services::scope_header(scopes));
  if (!p.via_api_key()) r.headers.add("X-Auth-Session-Id", p.session_id);
  return r;
}

// Every answer, refusals included, is about one credential at one moment: never stored.
Result<Response> uncacheable(Result<Response> result) {
  if (!result) {
    // Server errors pass through so the pipeline logs their cause.
    if (http::http_status(result.error().code) >= 500) return result;
    result = http::error_response(result.error());
  }
  no_store(*result);
  return result;
}

Result<Response> check(const ApiContext& ctx, const Request& req) {
  auto p = authenticate(ctx, req);
  if (!p) return uncacheable(p.error());
  auto budget = ctx.limits.budget(*p);
  if (!budget) return uncacheable(budget.error());
  return uncacheable(with_rate_headers(answer(ctx, req, *p), *budget));
}

const std::vector<HeaderDoc> kIdentityHeaders = {
    {"X-Auth-User-Id", "The user's id."},
    {"X-Auth-Email", "The user's email address."},
    {"X-Auth-Role", "`user` or `admin`."},
    {"X-Auth-Scopes",
     "The scopes the caller acts with, space-separated: every scope its user holds (a "
     "bearer token, or an API key without a scope list), or the key's list narrowed to them."},
    {"X-Auth-Session-Id", "The session (`sid`) of a bearer token; absent for API keys."},
    {"Cache-Control", "`no-store`, on every answer of this route."}};

const std::vector<HeaderDoc> kRequirementHeaders = {
    {kRequireRole,
     "Roles the caller must hold (`user` or `admin`; an admin holds both), separated by "
     "spaces or commas. An unknown name is refused with 403."},
    {kRequireScope,
     "Scopes the caller must act with (see X-Auth-Scopes), separated by spaces or commas. "
     "An unknown name is refused with 403."}};

}  // namespace

void register_forward_auth_routes(http::Router& router, const ApiContext& ctx) {
  const std::string& root = ctx.settings.api_root;
  // Nginx's auth_request sends the subrequest with the client's method (its body dropped),
  // so every method a proxied client commonly uses must get the same answer.
  for (const std::string_view method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
    RouteDoc doc{
        .tag = "Authentication",
        .summary = "Forward authentication for reverse proxies",
        .description =
            "For nginx `auth_request`, Traefik `forwardAuth` and Caddy `forward_auth` "
            "(docs/forward-auth.md). 204 with the caller's identity in X-Auth-* headers; 401 "
            "as every protected route; 403 when X-Auth-Require-Role or X-Auth-Require-Scope "
            "is not met or names an unknown role or scope. No response cache and no per-route "
            "rate limit; counts toward USER_RATE_LIMIT / ADMIN_RATE_LIMIT.",
        .replies = {{.status = 204,
                     .description = "Authenticated; the identity is in the headers",
                     .headers = kIdentityHeaders}},
        .errors = {ErrorCode::kMfaRequired},
        .request_headers = kRequirementHeaders,
        .access = Access{.audience = Audience::kUser}};
    router.add(
        std::string(method), root + "/auth/check", [&ctx](Request& req) { return check(ctx, req); },
        with_doc(std::move(doc)));
  }
}

}  // namespace gatehouse::api
