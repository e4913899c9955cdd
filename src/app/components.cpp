#include "app/components.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "app/database_factory.hpp"
#include "kv/fail_policy_rate_limiter.hpp"
#include "kv/memory/memory_rate_limiter.hpp"
#include "kv/memory/memory_replay_guard.hpp"
#include "kv/memory/memory_response_cache.hpp"
#include "kv/redis/redis_rate_limiter.hpp"
#include "kv/redis/redis_replay_guard.hpp"
#include "kv/redis/redis_response_cache.hpp"
#include "kv/retrying_response_cache.hpp"
#include "services/cache_invalidation.hpp"
#include "webhooks/signature.hpp"

namespace gatehouse::app {

namespace {

// Errors from here are refusals to start: the cause names the variable, the file and the
// reason (serve and the CLI print it).
Result<std::string> read_key_file(const std::string& variable, const std::string& path) {
  const auto failed = [&](int err) {
    return Error::internal(variable + ": cannot read " + path + ": " + std::strerror(err));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failed(errno);
  std::string text;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<std::size_t>(n));
  const int err = n < 0 ? errno : 0;
  ::close(fd);
  if (err != 0) return failed(err);
  return text;
}

Result<crypto::JwtSettings> jwt_settings(const config::Settings& s) {
  crypto::JwtSettings j;
  j.algorithm = s.auth.jwt_algorithm;
  j.secret = s.secret_key;
  j.previous_secrets = s.auth.previous_secret_keys;
  j.issuer = s.auth.jwt_issuer;
  if (j.algorithm != "HS256") {
    auto key = read_key_file("JWT_PRIVATE_KEY_FILE", s.auth.jwt_private_key_file);
    if (!key) return key.error();
    j.private_key_pem = *key;
    j.private_key_label = "JWT_PRIVATE_KEY_FILE: " + s.auth.jwt_private_key_file;
    for (const auto& f : s.auth.jwt_previous_public_key_files) {
      auto pub = read_key_file("JWT_PREVIOUS_PUBLIC_KEY_FILES", f);
      if (!pub) return pub.error();
      j.previous_public_keys_pem.push_back(*pub);
      j.previous_public_key_labels.push_back("JWT_PREVIOUS_PUBLIC_KEY_FILES: " + f);
    }
  }
  return j;
}

// Rate-limit counters, response cache and replay guards: in Redis when it is
// configured (every instance shares them), in this process otherwise.
void build_shared_state(Components& c, const config::Settings& s, ComponentsFor purpose) {
  kv::RateLimiterPtr limiter;
  if (s.redis.enabled) {
    // One connection per thread that may use Redis at once: both handler lanes, plus the
    // background workers.
    const auto pool =
        static_cast<std::size_t>(s.server.worker_threads + s.server.password_threads) + 2;
    c.redis = std::make_unique<kv::RedisClient>(kv::redis_options(s.redis, pool));
    limiter = std::make_unique<kv::RedisRateLimiter>(*c.redis);
    // A failed invalidation is retried before this instance uses the cache again.
    c.cache = std::make_unique<kv::RetryingResponseCache>(
        std::make_unique<kv::RedisResponseCache>(*c.redis));
    c.replay_guard = std::make_unique<kv::RedisReplayGuard>(*c.redis);
  } else {
    limiter = std::make_unique<kv::MemoryRateLimiter>();
    // On SQLite every process of the database (server, CLI) shares a generation counter, so
    // a CLI edit empties a running server's cache at once. PostgreSQL without Redis has no
    // such channel (its processes may be on other machines): there, edits from elsewhere show
    // after the TTL (docs/scaling.md).
    std::unique_ptr<kv::SharedGeneration> shared;
    const std::string path = kv::shared_generation_path(s.database.sqlite_path);
    if (s.cache_enabled && s.database.backend == config::DatabaseBackend::kSqlite &&
        !path.empty()) {
      int error = 0;
      shared = kv::SharedGeneration::open(path, purpose == ComponentsFor::kServer, &error);
      // A command finding no counter finds no server that ever cached: nothing to tell.
      if (!shared && !(purpose == ComponentsFor::kCommand && error == ENOENT)) {
        obs::warning(obs::Category::kCache,
                     "Cannot map {} ({}): CLI edits reach the cache after its TTL", path,
                     std::strerror(error));
      }
    }
    c.cache = std::make_unique<kv::MemoryResponseCache>(
        static_cast<std::size_t>(s.cache_max_entries), store::now_utc, std::move(shared));
    c.replay_guard = std::make_unique<kv::MemoryReplayGuard>();
  }
  c.rate_limiter =
      std::make_unique<kv::FailPolicyRateLimiter>(std::move(limiter), s.auth.rate_limit_fail_open);
}

services::AuditOptions audit_options(const config::Settings& s) {
  services::AuditOptions o;
  o.enabled = s.audit_log_enabled;
  o.webhook_endpoints = s.webhooks.urls;
  return o;
}

}  // namespace

Components::~Components() {
  // Requests still waiting become outbox rows first; the outbox keeps them for the next start.
  if (mail_requests) mail_requests->stop();
  if (mail_worker) mail_worker->stop();
  if (webhook_worker) webhook_worker->stop();
}

crypto::HashSettings hash_settings(const config::AuthSettings& auth) {
  crypto::HashSettings h;
  h.algorithm = auth.password_hash == "bcrypt" ? crypto::HashSettings::Algorithm::kBcrypt
                                               : crypto::HashSettings::Algorithm::kArgon2id;
  h.argon2_memory_kib = static_cast<std::uint32_t>(auth.argon2_memory_kib);
  h.argon2_iterations = static_cast<std::uint32_t>(auth.argon2_iterations);
  h.bcrypt_rounds = auth.bcrypt_rounds;
  return h;
}

Result<std::unique_ptr<Components>> build_components(const config::Settings& s,
                                                     ComponentsFor purpose) {
  auto c = std::make_unique<Components>(s);
  c->db = make_database(s.database);
  build_shared_state(*c, s, purpose);
  // Every write to users and API keys (services, CLI) invalidates the cached answers it
  // changes; without CACHE_ENABLED nothing is cached and nothing needs invalidating.
  if (s.cache_enabled) c->db = services::invalidating_database(std::move(c->db), *c->cache);
  std::function<bool()> redis_ping;
  if (c->redis) redis_ping = [r = c->redis.get()] { return r->ping().has_value(); };
  c->health =
      std::make_unique<services::HealthService>(*c->db, s.database.auto_migrate, redis_ping);
  c->hasher = std::make_unique<crypto::PasswordHasher>(hash_settings(s.auth));
  c->login_timing = std::make_unique<services::LoginTiming>(*c->hasher);
  c->hashes = std::make_unique<services::HashPool>(*c->hasher, s.auth.hash_threads,
                                                   s.auth.hash_queue_size, c->login_timing.get());
  auto jwt_config = jwt_settings(s);
  if (!jwt_config) return jwt_config.error();
  auto codec = crypto::JwtCodec::create(*jwt_config);
  if (!codec) return codec.error();
  c->jwt = std::make_unique<crypto::JwtCodec>(std::move(*codec));
  c->tokens = std::make_unique<services::TokenIssuer>(*c->jwt, s, c->clock);
  c->limits = std::make_unique<api::RateLimits>(s, *c->rate_limiter);
  auto composer = mail::Composer::create(mail::composer_options(s));
  if (!composer) return composer.error();
  c->composer = std::make_unique<mail::Composer>(std::move(*composer));
  c->sender = mail::make_mail_sender(s.mail);
  c->mail_worker = std::make_unique<mail::OutboxWorker>(c->db->outbox(), *c->sender);
  c->mailer = std::make_unique<mail::Mailer>(c->db->outbox(), c->clock,
                                             [w = c->mail_worker.get()] { w->notify(); });
  if (s.webhooks.enabled()) {
    auto key = webhooks::parse_secret(s.webhooks.secret);
    if (!key) return Error::internal(key.error().public_message);
    c->webhook_poster = std::make_unique<webhooks::CurlWebhookPoster>(
        webhooks::curl_poster_options(s.webhooks), c->clock);
    c->webhook_worker = std::make_unique<webhooks::DeliveryWorker>(
        c->db->outbox(), *c->webhook_poster, s.webhooks.urls, std::move(*key),
        webhooks::retry_schedule(s.webhooks), c->clock,
        webhooks::delivery_worker_options(s.webhooks));
    c->wake_webhooks = [w = c->webhook_worker.get()] { w->wake(); };
  }
  c->notifier = std::make_unique<services::MailNotifier>(*c->composer, *c->mailer, c->clock);
  c->second_factor =
      std::make_unique<services::SecondFactor>(s, *c->db, *c->replay_guard, c->clock);
  // wake_webhooks is never empty: a no-op without a worker.
  c->audit = std::make_unique<services::AuditLog>(*c->db, audit_options(s), c->clock,
                                                  [cc = c.get()] { cc->wake_webhooks(); });
  c->auth = std::make_unique<services::AuthService>(s, *c->db, *c->hashes, *c->tokens, *c->notifier,
                                                    *c->second_factor, *c->audit);
  c->mfa = std::make_unique<services::MfaService>(*c->db, *c->second_factor, *c->hashes, *c->auth,
                                                  *c->notifier, *c->audit, c->clock);
  c->users = std::make_unique<services::UserService>(*c->db, *c->auth, *c->hashes, *c->notifier,
                                                     *c->audit);
  c->api_keys = std::make_unique<services::ApiKeyService>(s, *c->db, *c->audit, c->clock);
  c->housekeeping = std::make_unique<services::Housekeeping>(
      *c->db, c->clock, std::chrono::hours(24) * s.audit_retention_days);
  c->mail_requests = std::make_unique<services::MailRequests>(
      [auth = c->auth.get()](services::MailRequests::Kind kind, const std::string& email) {
        if (kind == services::MailRequests::Kind::kPasswordReset) {
          auth->forgot_password(email);
        } else {
          auth->resend_verification(email);
        }
      });
  return c;
}

api::ApiContext api_context(Components& c, const api::Assets& assets) {
  return {.settings = c.settings,
          .clock = c.clock,
          .assets = assets,
          .health = *c.health,
          .auth = *c.auth,
          .users = *c.users,
          .api_keys = *c.api_keys,
          .mfa = *c.mfa,
          .audit = *c.audit,
          .limits = *c.limits,
          .cache = *c.cache,
          .mail_requests = *c.mail_requests,
          .tokens = *c.tokens,
          .database = *c.db};
}

}  // namespace gatehouse::app
