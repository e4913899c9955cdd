#include "api/routes.hpp"

#include <vector>

namespace gatehouse::api {

namespace {

std::vector<RouteRegistrar>& extension_routes() {
  static std::vector<RouteRegistrar> registrars;
  return registrars;
}

}  // namespace

void add_extension_routes(RouteRegistrar registrar) { extension_routes().push_back(registrar); }

void register_all_routes(http::Router& router, const ApiContext& ctx) {
  // First: the router tries routes in order, and a proxy asks /auth/check on every request it
  // passes; no other route's pattern overlaps it.
  register_forward_auth_routes(router, ctx);
  register_api_key_routes(router, ctx);
  register_user_routes(router, ctx);
  register_mfa_routes(router, ctx);
  register_audit_routes(router, ctx);
  register_auth_routes(router, ctx);
  register_reset_password_routes(router, ctx);
  register_service_routes(router, ctx);
  register_metrics_route(router, ctx);
  register_openapi_routes(router, ctx);
  for (const RouteRegistrar registrar : extension_routes()) registrar(router, ctx);
}

}  // namespace gatehouse::api
