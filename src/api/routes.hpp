#pragma once
// Route registration. Each resource has one register_* function in its own file; the
// order of registration is the matching order (as the reference's router inclusion order).
#include "api/context.hpp"
#include "http/router.hpp"

namespace gatehouse::api {

// /heartbeat, /ready, /, /favicon.ico, /static/* (under API_ROOT).
void register_service_routes(http::Router& router, const ApiContext& ctx);

// GET /metrics (never under API_ROOT), only when METRICS_ENABLED.
void register_metrics_route(http::Router& router, const ApiContext& ctx);

// GET /openapi.json (never under API_ROOT) and {API_ROOT}/docs, the interactive page.
void register_openapi_routes(http::Router& router, const ApiContext& ctx);

// /register/, /login/, /refresh/, /logout/, /verify/, /resend-verification/,
// /forgot-password/.
void register_auth_routes(http::Router& router, const ApiContext& ctx);

// GET|HEAD|POST /auth/check: forward authentication for reverse proxies
// (api/forward_auth_routes.cpp).
void register_forward_auth_routes(http::Router& router, const ApiContext& ctx);

// GET|POST /reset-password/: the HTML form, its form post, and the JSON API.
void register_reset_password_routes(http::Router& router, const ApiContext& ctx);

// /users/... (docs/http-api.md §5 "User routes", §6 "Sessions").
void register_user_routes(http::Router& router, const ApiContext& ctx);

// /users/keys... (docs/http-api.md §7 "API key routes").
void register_api_key_routes(http::Router& router, const ApiContext& ctx);

// api/mfa_routes.cpp: the caller's TOTP and the admin's reset.
void register_mfa_routes(http::Router& router, const ApiContext& ctx);

// Every route of the API, in the reference's order, except that the API-key routes come
// before the user routes: "/users/keys/sessions" must reach the key route (422 for a
// key_id that is not a UUID, as the reference) rather than "/users/{user_id}/sessions".
// GET /audit-log/ (api/audit_routes.cpp).
void register_audit_routes(http::Router& router, const ApiContext& ctx);

// Routes of extensions (docs/extending.md), registered after every core route, so an
// extension can never shadow one. Added before the server starts (app/extension.hpp).
using RouteRegistrar = void (*)(http::Router& router, const ApiContext& ctx);
void add_extension_routes(RouteRegistrar registrar);

void register_all_routes(http::Router& router, const ApiContext& ctx);

}  // namespace gatehouse::api
