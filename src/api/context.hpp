#pragma once
// What handlers may use: settings, the services, the assets, the rate limits and the
// response cache (api/cached_route.hpp). Built by app/.
#include "api/assets.hpp"
#include "api/rate_limits.hpp"
#include "config/settings.hpp"
#include "kv/response_cache.hpp"
#include "services/api_key_service.hpp"
#include "services/audit_log.hpp"
#include "services/auth_service.hpp"
#include "services/clock.hpp"
#include "services/health_service.hpp"
#include "services/mail_requests.hpp"
#include "services/mfa_service.hpp"
#include "services/token_issuer.hpp"
#include "services/user_service.hpp"
#include "store/database.hpp"

namespace gatehouse::api {

struct ApiContext {
  const config::Settings& settings;
  const services::Clock& clock;  // the services' clock: "now" for expiry checks and rendering
  const Assets& assets;
  services::HealthService& health;
  services::AuthService& auth;
  services::UserService& users;
  services::ApiKeyService& api_keys;
  services::MfaService& mfa;
  services::AuditLog& audit;
  RateLimits& limits;
  kv::ResponseCache& cache;  // used only when CACHE_ENABLED
  services::MailRequests& mail_requests;
  const services::TokenIssuer& tokens;  // the JWKS (service_routes.cpp)
  // For extensions to build their own services at registration (docs/extending.md); core
  // handlers reach storage through the services above.
  store::Database& database;
};

}  // namespace gatehouse::api
