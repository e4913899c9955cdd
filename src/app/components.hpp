#pragma once
// Components: every long-lived object of a running Gatehouse, built from the settings in
// dependency order. The composition root; the only place that names concrete classes.
#include <functional>
#include <memory>

#include "api/context.hpp"
#include "api/rate_limits.hpp"
#include "config/settings.hpp"
#include "core/result.hpp"
#include "crypto/jwt.hpp"
#include "crypto/password_hasher.hpp"
#include "kv/rate_limiter.hpp"
#include "kv/redis/redis_client.hpp"
#include "kv/replay_guard.hpp"
#include "kv/response_cache.hpp"
#include "mail/composer.hpp"
#include "mail/mail_sender.hpp"
#include "mail/mailer.hpp"
#include "mail/outbox_worker.hpp"
#include "services/api_key_service.hpp"
#include "services/audit_log.hpp"
#include "services/auth_service.hpp"
#include "services/clock.hpp"
#include "services/hash_pool.hpp"
#include "services/health_service.hpp"
#include "services/housekeeping.hpp"
#include "services/login_timing.hpp"
#include "services/mail_notifier.hpp"
#include "services/mail_requests.hpp"
#include "services/mfa_service.hpp"
#include "services/second_factor.hpp"
#include "services/token_issuer.hpp"
#include "services/user_service.hpp"
#include "store/database.hpp"
#include "webhooks/delivery_worker.hpp"
#include "webhooks/webhook_poster.hpp"

namespace gatehouse::app {

struct Components {
  const config::Settings& settings;
  // The one clock every service and the API read (tests inject their own into services).
  services::Clock clock = store::now_utc;
  store::DatabasePtr db;
  kv::RedisClientPtr redis;  // null unless REDIS_URL / REDIS_ENABLED
  std::unique_ptr<services::HealthService> health;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  std::unique_ptr<services::LoginTiming> login_timing;  // serve() starts its census
  std::unique_ptr<services::HashPool> hashes;
  std::unique_ptr<crypto::JwtCodec> jwt;
  std::unique_ptr<services::TokenIssuer> tokens;
  // Shared state: in Redis when it is configured, in this process otherwise.
  kv::RateLimiterPtr rate_limiter;  // with the RATE_LIMIT_FAIL_OPEN policy
  kv::ResponseCachePtr cache;       // used by the API when CACHE_ENABLED
  kv::ReplayGuardPtr replay_guard;  // TOTP codes and one-time tokens
  std::unique_ptr<api::RateLimits> limits;
  std::unique_ptr<mail::Composer> composer;
  std::unique_ptr<mail::Mailer> mailer;
  mail::MailSenderPtr sender;
  std::unique_ptr<mail::OutboxWorker> mail_worker;
  // Webhook deliveries: built only when WEBHOOK_URLS is set; serve() starts the worker.
  webhooks::WebhookPosterPtr webhook_poster;
  std::unique_ptr<webhooks::DeliveryWorker> webhook_worker;
  // Called after a transaction queued webhook deliveries (services::AuditLog): wakes the
  // delivery worker; a no-op without one.
  std::function<void()> wake_webhooks = [] {};
  std::unique_ptr<services::MailNotifier> notifier;
  std::unique_ptr<services::SecondFactor> second_factor;
  std::unique_ptr<services::AuditLog> audit;
  std::unique_ptr<services::AuthService> auth;
  std::unique_ptr<services::MfaService> mfa;
  std::unique_ptr<services::UserService> users;
  std::unique_ptr<services::ApiKeyService> api_keys;
  // Forgot-password and resend-verification, carried out off the request; serve() starts it.
  std::unique_ptr<services::MailRequests> mail_requests;
  // Purges expired token bookkeeping; serve() starts it.
  std::unique_ptr<services::Housekeeping> housekeeping;

  explicit Components(const config::Settings& s) : settings(s) {}
  ~Components();
};

// Who the components are for: the server (`serve`) or a CLI command. Only the server creates
// files other processes join (the SQLite cache generation, kv/memory/shared_generation.hpp).
enum class ComponentsFor { kServer, kCommand };

// Builds everything; errors name the setting at fault (e.g. an unreadable key file).
Result<std::unique_ptr<Components>> build_components(
    const config::Settings& settings, ComponentsFor purpose = ComponentsFor::kCommand);

// What the API's handlers use, bound to `c`'s services and `assets`.
api::ApiContext api_context(Components& c, const api::Assets& assets);

crypto::HashSettings hash_settings(const config::AuthSettings& auth);

}  // namespace gatehouse::app
