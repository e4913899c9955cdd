// describe_settings: the effective settings as rows for `gatehouse config check`.
#include <string>
#include <utility>
#include <vector>

#include "config/loader.hpp"
#include "config/values.hpp"

namespace gatehouse::config {

namespace {

class Rows {
 public:
  void add(const char* name, std::string value) { rows_.emplace_back(name, std::move(value)); }
  void add(const char* name, const char* value) { add(name, std::string(value)); }
  void add(const char* name, bool value) { add(name, std::string(value ? "true" : "false")); }
  void add(const char* name, int value) { add(name, std::to_string(value)); }
  void add(const char* name, std::uint64_t value) { add(name, std::to_string(value)); }
  // Secrets: "****" when set, empty when not.
  void add_secret(const char* name, const std::string& value) {
    add(name, std::string(value.empty() ? "" : "****"));
  }
  void add_url(const char* name, const std::string& url) { add(name, mask_url_password(url)); }
  void add_list(const char* name, const std::vector<std::string>& items) {
    std::string joined;
    for (const std::string& item : items) {
      if (!joined.empty()) joined += ',';
      joined += item;
    }
    add(name, std::move(joined));
  }

  std::vector<std::pair<std::string, std::string>> take() { return std::move(rows_); }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

void add_general(Rows& rows, const Settings& s) {
  rows.add("ENVIRONMENT", environment_name(s.environment));
  rows.add("DATA_DIR", s.data_dir);
  rows.add("BASE_URL", s.base_url);
  rows.add("FRONTEND_URL", s.frontend_url);
  rows.add("API_ROOT", s.api_root);
  rows.add("NO_ROOT_ROUTE", s.no_root_route);
  rows.add("TEMPLATES_DIR", s.templates_dir);
  rows.add("STATIC_DIR", s.static_dir);
  rows.add_secret("SECRET_KEY", s.secret_key);
  rows.add("ACCESS_TOKEN_EXPIRE_MINUTES", s.access_token_expire_minutes);
  rows.add("METRICS_ENABLED", s.metrics_enabled);
  rows.add("CACHE_ENABLED", s.cache_enabled);
  rows.add("CACHE_DEFAULT_TTL", s.cache_default_ttl);
  rows.add("CACHE_MAX_ENTRIES", s.cache_max_entries);
  rows.add("RATE_LIMIT_ENABLED", s.rate_limit_enabled);
}

void add_server(Rows& rows, const ServerSettings& s) {
  rows.add("HOST", s.host);
  rows.add("PORT", s.port);
  rows.add("IO_THREADS", s.io_threads);
  rows.add("WORKER_THREADS", s.worker_threads);
  rows.add("WORKER_QUEUE_SIZE", s.worker_queue_size);
  rows.add("MAX_CONNECTIONS", s.max_connections);
  rows.add("MAX_BODY_BYTES", s.max_body_bytes);
  rows.add("HEADER_TIMEOUT_SECONDS", s.header_timeout_seconds);
  rows.add("BODY_TIMEOUT_SECONDS", s.body_timeout_seconds);
  rows.add("IDLE_TIMEOUT_SECONDS", s.idle_timeout_seconds);
  rows.add("SHUTDOWN_TIMEOUT_SECONDS", s.shutdown_timeout_seconds);
  rows.add_list("TRUSTED_PROXIES", s.trusted_proxies);
  rows.add("HSTS_ENABLED", s.hsts_enabled);
}

void add_database_and_cors(Rows& rows, const Settings& s) {
  rows.add_url("DATABASE_URL", s.database.url);
  rows.add("DB_POOL_SIZE", s.database.pool_size);
  rows.add("DB_CONNECT_TIMEOUT_SECONDS", s.database.connect_timeout_seconds);
  rows.add("AUTO_MIGRATE", s.database.auto_migrate);
  rows.add_list("CORS_ORIGINS", s.cors.origins);
  rows.add("CORS_ALLOW_CREDENTIALS", s.cors.allow_credentials);
}

void add_log(Rows& rows, const LogSettings& s) {
  rows.add("LOG_PATH", s.path);
  rows.add("LOG_LEVEL", s.level);
  rows.add("LOG_ROTATION", s.rotation);
  rows.add("LOG_RETENTION", s.retention);
  rows.add("LOG_COMPRESSION", s.compression);
  rows.add("LOG_CATEGORIES", s.categories);
  rows.add("LOG_FILENAME", s.filename);
  rows.add("LOG_CONSOLE_ENABLED", s.console_enabled);
}

void add_mail(Rows& rows, const MailSettings& s) {
  rows.add("MAIL_USERNAME", s.username);
  rows.add_secret("MAIL_PASSWORD", s.password);
  rows.add("MAIL_FROM", s.from);
  rows.add("MAIL_PORT", s.port);
  rows.add("MAIL_SERVER", s.server);
  rows.add("MAIL_FROM_NAME", s.from_name);
  rows.add("MAIL_STARTTLS", s.starttls);
  rows.add("MAIL_SSL_TLS", s.ssl_tls);
  rows.add("MAIL_USE_CREDENTIALS", s.use_credentials);
  rows.add("MAIL_VALIDATE_CERTS", s.validate_certs);
  rows.add("MAIL_FILE_DIR", s.file_dir);
}

void add_redis(Rows& rows, const RedisSettings& s) {
  rows.add("REDIS_ENABLED", s.enabled);
  rows.add_url("REDIS_URL", s.url);
  rows.add("REDIS_HOST", s.host);
  rows.add("REDIS_PORT", s.port);
  rows.add_secret("REDIS_PASSWORD", s.password);
  rows.add("REDIS_DB", s.db);
  rows.add("ENFORCE_REDIS_PASSWORD", s.enforce_password);
}

void add_admin_and_metadata(Rows& rows, const Settings& s) {
  rows.add("ADMIN_PAGES_ENABLED", s.admin_pages.enabled);
  rows.add("ADMIN_PAGES_ROUTE", s.admin_pages.route);
  rows.add("ADMIN_PAGES_TITLE", s.admin_pages.title);
  rows.add_secret("ADMIN_PAGES_ENCRYPTION_KEY", s.admin_pages.encryption_key);
  rows.add("ADMIN_PAGES_TIMEOUT", s.admin_pages.timeout_seconds);
  const MetadataSettings& m = s.metadata;
  rows.add("API_TITLE", m.title);
  rows.add("API_DESCRIPTION", m.description);
  rows.add("REPOSITORY", m.repository);
  rows.add("CONTACT", detail::name_url_json({m.contact_name, m.contact_url}));
  rows.add("LICENSE_INFO", detail::name_url_json({m.license_name, m.license_url}));
  rows.add("YEAR", m.year);
}

void add_auth(Rows& rows, const AuthSettings& a) {
  rows.add("PASSWORD_HASH", a.password_hash);
  rows.add("ARGON2_MEMORY_KIB", a.argon2_memory_kib);
  rows.add("ARGON2_ITERATIONS", a.argon2_iterations);
  rows.add("BCRYPT_ROUNDS", a.bcrypt_rounds);
  rows.add("HASH_THREADS", a.hash_threads);
  rows.add("HASH_QUEUE_SIZE", a.hash_queue_size);
  rows.add("PASSWORD_MIN_LENGTH", a.password_min_length);
  rows.add("PASSWORD_MAX_LENGTH", a.password_max_length);
  rows.add("PASSWORD_REQUIRE_CLASSES", a.password_require_classes);
  rows.add("JWT_ALGORITHM", a.jwt_algorithm);
  rows.add("JWT_ISSUER", a.jwt_issuer);
  rows.add("JWT_PRIVATE_KEY_FILE", a.jwt_private_key_file);
  rows.add_list("JWT_PREVIOUS_PUBLIC_KEY_FILES", a.jwt_previous_public_key_files);
  rows.add_secret("PREVIOUS_SECRET_KEYS", a.previous_secret_keys.empty() ? "" : "set");
  rows.add("REFRESH_TOKEN_EXPIRE_MINUTES", a.refresh_token_expire_minutes);
  rows.add("VERIFY_TOKEN_EXPIRE_MINUTES", a.verify_token_expire_minutes);
  rows.add("RESET_TOKEN_EXPIRE_MINUTES", a.reset_token_expire_minutes);
  rows.add("MFA_TOKEN_EXPIRE_MINUTES", a.mfa_token_expire_minutes);
  rows.add("LOCKOUT_THRESHOLD", a.lockout_threshold);
  rows.add("LOCKOUT_MINUTES", a.lockout_minutes);
  rows.add("API_KEY_PREFIX", a.api_key_prefix);
  rows.add("MFA_REQUIRED_FOR_ADMINS", a.mfa_required_for_admins);
  rows.add("RATE_LIMITS", a.rate_limits);
  rows.add("USER_RATE_LIMIT", a.user_rate_limit);
  rows.add("ADMIN_RATE_LIMIT", a.admin_rate_limit);
  rows.add("RATE_LIMIT_FAIL_OPEN", a.rate_limit_fail_open);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> describe_settings(const Settings& s) {
  Rows rows;
  add_general(rows, s);
  add_server(rows, s.server);
  add_auth(rows, s.auth);
  add_database_and_cors(rows, s);
  add_log(rows, s.log);
  add_mail(rows, s.mail);
  add_redis(rows, s.redis);
  add_admin_and_metadata(rows, s);
  return rows.take();
}

}  // namespace gatehouse::config
