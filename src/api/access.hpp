#pragma once
// Who may call a protected route (docs/http-api.md §2 "Scopes", "Roles and order of checks").
// Each route declares its Access once, next to its registration (add_protected); authorize()
// checks it in the one order of docs/http-api.md §2:
//   authenticate (401) → role or ownership (403 "Forbidden") → signed-in user (403
//   kSignedInRequired, API keys only) → scope (403 "API key lacks the required scope: <s>",
//   API keys with a scope list only).
// Bearer tokens carry no scopes: a signed-in user has all of their rights.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "api/access_rule.hpp"
#include "api/context.hpp"
#include "api/route_doc.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "services/principal.hpp"

namespace gatehouse::api {

// The scope `p` needs on a route with `access` acting on user `target` (kOwnerOrAdmin).
std::string_view required_scope(const Access& access, const services::Principal& p,
                                std::int64_t target);

// Role or ownership: 403 "Forbidden" when `p` may not call the route at all.
Status check_role(const Access& access, const services::Principal& p, std::int64_t target);

// MFA_REQUIRED_FOR_ADMINS: an admin without TOTP acting as an admin (an admin route, or
// another user's resource) gets 403 kMfaRequiredForAdmins, with a token or an API key alike.
Status check_admin_second_factor(const ApiContext& ctx, const Access& access,
                                 const services::Principal& p, std::int64_t target);

// Every check after authentication, in docs/http-api.md §2's order, for `p` acting on user `target`
// (used by kOwnerOrAdmin only) when this request `needs_signed_in`.
Status check_access(const Access& access, const services::Principal& p, std::int64_t target,
                    bool needs_signed_in);

// Every check after authentication (role, signed-in rule, scope) for this request.
Status permit(const ApiContext& ctx, const http::Request& req, const Access& access,
              const services::Principal& p);

// authenticate() + permit() for this request.
Result<services::Principal> authorize(const ApiContext& ctx, const http::Request& req,
                                      const Access& access);

using ProtectedHandler =
    std::function<Result<http::Response>(http::Request&, const services::Principal&)>;

// Registers a route, with its declaration, whose handler runs only after authorize() let
// the caller in. With
// RATE_LIMIT_ENABLED and a USER_RATE_LIMIT / ADMIN_RATE_LIMIT, the caller's budget is
// counted right after authentication (429 before 403) and its RateLimit-* headers go on
// every answer.
void add_protected(http::Router& router, const ApiContext& ctx, std::string method,
                   std::string_view pattern, Access access, RouteDoc doc, ProtectedHandler handler,
                   http::RouteOptions options = {});

// The path's {user_id} (0 when the route has none).
std::int64_t path_user_id(const http::Request& req);

}  // namespace gatehouse::api
