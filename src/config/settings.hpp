#pragma once
// Settings: the typed, validated configuration of Gatehouse, loaded once at start
// (see loader.hpp) and passed down by const reference. Field names follow the
// environment variable they come from (lower-case); defaults are the FastAPI template's
// unless docs/http-api.md or docs/configuration.md says otherwise.
#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::config {

enum class Environment { kDevelopment, kProduction };
enum class DatabaseBackend { kSqlite, kPostgres };

struct DatabaseSettings {
  DatabaseBackend backend = DatabaseBackend::kSqlite;
  std::string url;                  // normalised DATABASE_URL (secret: contains the password)
  std::string sqlite_path;          // for kSqlite: filesystem path of the database file
  int pool_size = 8;                // DB_POOL_SIZE: PostgreSQL connections / SQLite handles
  int connect_timeout_seconds = 5;  // DB_CONNECT_TIMEOUT_SECONDS
  bool auto_migrate = true;         // AUTO_MIGRATE
};

struct ServerSettings {
  std::string host = "127.0.0.1";  // HOST
  int port = 8000;                 // PORT
  int io_threads = 0;              // IO_THREADS (0 = number of cores)
  int worker_threads = 0;          // WORKER_THREADS: handler pool (database work); 0 = by backend
  int worker_queue_size = 1024;    // WORKER_QUEUE_SIZE: pending handler jobs before 503
  int max_connections = 10000;     // MAX_CONNECTIONS
  // The password lane (routes that wait for a hash) is derived, not set: 2 x HASH_THREADS
  // threads, so one request's database work overlaps another's hash, and HASH_QUEUE_SIZE
  // requests waiting beyond them before 503.
  int password_threads = 2;
  int password_queue_size = 64;
  std::uint64_t max_body_bytes = std::uint64_t{1024} * 1024;  // MAX_BODY_BYTES
  int header_timeout_seconds = 10;    // HEADER_TIMEOUT_SECONDS: whole header block
  int body_timeout_seconds = 30;      // BODY_TIMEOUT_SECONDS: whole body
  int idle_timeout_seconds = 60;      // IDLE_TIMEOUT_SECONDS: keep-alive wait for next request
  int shutdown_timeout_seconds = 10;  // SHUTDOWN_TIMEOUT_SECONDS: drain deadline
  std::vector<std::string> trusted_proxies;  // TRUSTED_PROXIES: addresses or CIDRs
  bool hsts_enabled = false;                 // HSTS_ENABLED
};

struct CorsSettings {
  std::vector<std::string> origins{"*"};  // CORS_ORIGINS: trimmed, empties dropped
  bool allow_credentials = false;         // CORS_ALLOW_CREDENTIALS
};

struct LogSettings {
  std::string path = "./logs";        // LOG_PATH
  std::string level = "INFO";         // LOG_LEVEL: TRACE|DEBUG|INFO|SUCCESS|WARNING|ERROR|CRITICAL
  std::string rotation = "1 day";     // LOG_ROTATION: "<n> day(s)|hour(s)" or "<n> KB|MB|GB"
  std::string retention = "30 days";  // LOG_RETENTION: "<n> days|files"
  // LOG_ROTATION parsed: exactly one of the two is non-zero.
  std::int64_t rotation_seconds = 86400;
  std::uint64_t rotation_bytes = 0;
  // LOG_RETENTION parsed: exactly one of the two is non-zero.
  std::int64_t retention_seconds = std::int64_t{30} * 86400;
  int retention_files = 0;
  std::string compression = "zip";   // LOG_COMPRESSION: accepted for compatibility, unused
  std::string categories = "ALL";    // LOG_CATEGORIES: normalised to ALL, NONE or "AUTH,CACHE"
  std::string filename = "api.log";  // LOG_FILENAME: no '/' or '\'
  bool console_enabled = false;      // LOG_CONSOLE_ENABLED
};

struct MailSettings {
  std::string username;                        // MAIL_USERNAME
  std::string password;                        // MAIL_PASSWORD (secret)
  std::string from;                            // MAIL_FROM
  int port = 587;                              // MAIL_PORT
  std::string server;                          // MAIL_SERVER: empty = write .eml files
  std::string from_name = "FASTAPI Template";  // MAIL_FROM_NAME
  bool starttls = true;                        // MAIL_STARTTLS
  bool ssl_tls = false;                        // MAIL_SSL_TLS
  bool use_credentials = true;                 // MAIL_USE_CREDENTIALS
  bool validate_certs = true;                  // MAIL_VALIDATE_CERTS
  std::string file_dir;                        // MAIL_FILE_DIR (default <data dir>/mail)
};

// Webhook deliveries (docs/audit-and-webhooks.md): on when WEBHOOK_URLS lists an endpoint.
struct WebhookSettings {
  std::vector<std::string> urls;  // WEBHOOK_URLS: http:// or https:// endpoints
  std::string secret;             // WEBHOOK_SECRET (secret): whsec_<base64>
  int timeout_seconds = 10;       // WEBHOOK_TIMEOUT_SECONDS: one POST, connection included
  std::vector<int> retry_delays_seconds{5, 30, 120, 600, 1800, 3600};  // WEBHOOK_RETRY_DELAYS
  double give_up_hours = 24;  // WEBHOOK_GIVE_UP_HOURS: no retry later than this after creation

  bool enabled() const { return !urls.empty(); }
};

struct RedisSettings {
  bool enabled = false;  // REDIS_ENABLED (or REDIS_URL set)
  std::string url;       // REDIS_URL, or built from REDIS_HOST/PORT/PASSWORD/DB (secret)
  std::string host = "localhost";
  int port = 6379;
  std::string password;  // REDIS_PASSWORD (secret)
  int db = 0;
  bool enforce_password = false;  // ENFORCE_REDIS_PASSWORD
};

struct AdminPagesSettings {
  bool enabled = false;                      // ADMIN_PAGES_ENABLED
  std::string route = "/admin";              // ADMIN_PAGES_ROUTE
  std::string title = "API Administration";  // ADMIN_PAGES_TITLE
  std::string encryption_key;                // ADMIN_PAGES_ENCRYPTION_KEY (secret)
  int timeout_seconds = 86400;               // ADMIN_PAGES_TIMEOUT
};

struct MetadataSettings {
  std::string title = "API Template";  // API_TITLE
  std::string description = "Run 'api-admin custom metadata' to change this information.";
  std::string repository = "https://github.com/seapagan/fastapi-template";  // REPOSITORY
  std::string contact_name = "Grant Ramsay (seapagan)";  // CONTACT {"name","url"}
  std::string contact_url = "https://www.gnramsay.com";
  std::string license_name = "MIT";  // LICENSE_INFO {"name","url"}
  std::string license_url = "https://opensource.org/licenses/MIT";
  std::string year = "2022-2026";  // YEAR
};

// Passwords, tokens, lockout and rate limits (docs/http-api.md §2, §3, §4, §9).
struct AuthSettings {
  std::string password_hash = "argon2id";  // PASSWORD_HASH: argon2id | bcrypt
  int argon2_memory_kib = 19456;           // ARGON2_MEMORY_KIB (OWASP minimum 19 MiB)
  int argon2_iterations = 2;               // ARGON2_ITERATIONS
  int bcrypt_rounds = 12;                  // BCRYPT_ROUNDS
  int hash_threads = 0;                    // HASH_THREADS: password-hash pool (0 = cores)
  int hash_queue_size = 64;                // HASH_QUEUE_SIZE: waiting hashes before 503
  int password_min_length = 12;            // PASSWORD_MIN_LENGTH
  int password_max_length = 128;           // PASSWORD_MAX_LENGTH
  bool password_require_classes = true;    // PASSWORD_REQUIRE_CLASSES

  std::string jwt_algorithm = "HS256";                     // JWT_ALGORITHM: HS256 | ES256 | RS256
  std::string jwt_issuer = "gatehouse";                    // JWT_ISSUER
  std::string jwt_private_key_file;                        // JWT_PRIVATE_KEY_FILE (PEM)
  std::vector<std::string> jwt_previous_public_key_files;  // JWT_PREVIOUS_PUBLIC_KEY_FILES
  std::vector<std::string> previous_secret_keys;           // PREVIOUS_SECRET_KEYS (secret)
  int refresh_token_expire_minutes = 43200;                // REFRESH_TOKEN_EXPIRE_MINUTES (30 days)
  int verify_token_expire_minutes = 10;                    // VERIFY_TOKEN_EXPIRE_MINUTES
  int reset_token_expire_minutes = 30;                     // RESET_TOKEN_EXPIRE_MINUTES
  int mfa_token_expire_minutes = 5;                        // MFA_TOKEN_EXPIRE_MINUTES

  int lockout_threshold = 10;            // LOCKOUT_THRESHOLD: consecutive failures
  int lockout_minutes = 15;              // LOCKOUT_MINUTES
  std::string api_key_prefix = "pk_";    // API_KEY_PREFIX
  bool mfa_required_for_admins = false;  // MFA_REQUIRED_FOR_ADMINS

  std::string rate_limits;           // RATE_LIMITS: overrides, "login=5/15minute,register=3/hour"
  std::string user_rate_limit;       // USER_RATE_LIMIT: e.g. "1000/hour" (empty = none)
  std::string admin_rate_limit;      // ADMIN_RATE_LIMIT
  bool rate_limit_fail_open = true;  // RATE_LIMIT_FAIL_OPEN
};

struct Settings {
  Environment environment = Environment::kDevelopment;  // ENVIRONMENT
  std::string data_dir = "./data";                      // DATA_DIR
  std::string base_url = "http://localhost:8000";       // BASE_URL
  std::string frontend_url;                             // FRONTEND_URL (empty = unset)
  std::string api_root;                                 // API_ROOT, one trailing '/' stripped
  bool no_root_route = false;                           // NO_ROOT_ROUTE
  std::string templates_dir;  // TEMPLATES_DIR: override the embedded templates
  std::string static_dir;     // STATIC_DIR: override the embedded static files

  std::string secret_key;             // SECRET_KEY (secret); generated into data_dir in development
  bool secret_key_generated = false;  // true when the development key was generated/loaded
  int access_token_expire_minutes = 120;  // ACCESS_TOKEN_EXPIRE_MINUTES

  bool metrics_enabled = false;     // METRICS_ENABLED
  bool cache_enabled = false;       // CACHE_ENABLED
  int cache_default_ttl = 300;      // CACHE_DEFAULT_TTL
  int cache_max_entries = 10000;    // CACHE_MAX_ENTRIES: bound of the in-process cache (LRU)
  bool rate_limit_enabled = false;  // RATE_LIMIT_ENABLED
  bool audit_log_enabled = true;    // AUDIT_LOG_ENABLED
  int audit_retention_days = 365;   // AUDIT_RETENTION_DAYS

  ServerSettings server;
  AuthSettings auth;
  DatabaseSettings database;
  CorsSettings cors;
  LogSettings log;
  MailSettings mail;
  WebhookSettings webhooks;
  RedisSettings redis;
  AdminPagesSettings admin_pages;
  MetadataSettings metadata;

  // Lower-snake of API_TITLE: the metrics namespace (default "api_template").
  std::string metrics_namespace() const;
  bool is_production() const { return environment == Environment::kProduction; }
};

// "development" or "production".
const char* environment_name(Environment e);

}  // namespace gatehouse::config
