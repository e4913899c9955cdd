// Declarations of the general, server and CORS settings, and of the ignored variables.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "config/sections.hpp"
#include "config/text.hpp"
#include "config/values.hpp"

namespace gatehouse::config::detail {

namespace {

// An empty value counts as not set.
void parse_environment(VariableReader& r, std::string_view name, const std::string& raw,
                       Environment& out) {
  if (raw.empty()) return;
  const std::string value = to_lower(trim(raw));
  if (value == "development") {
    out = Environment::kDevelopment;
  } else if (value == "production") {
    out = Environment::kProduction;
  } else {
    r.invalid(name, "must be development or production", raw);
    out = Environment::kProduction;  // fail closed: the strict rules apply
  }
}

void parse_api_root(VariableReader& r, std::string_view name, const std::string& raw,
                    std::string& out) {
  std::string root = raw;
  if (!root.empty() && root.back() == '/') root.pop_back();
  if (!root.empty() && root.front() != '/') {
    r.invalid(name, "must be empty or start with \"/\"", raw);
  } else {
    out = std::move(root);
  }
}

void existing_directory(VariableReader& r, std::string_view name, const std::string& dir) {
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
    r.error(std::string(name) + ": " + quote(dir) + " is not a directory");
  }
}

void ip_or_cidr_items(VariableReader& r, std::string_view name,
                      const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    if (!is_ip_or_cidr(item)) {
      r.error(std::string(name) + ": " + quote(item) +
              " is not an IP address or CIDR (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)");
    }
  }
}

void check_cors(VariableReader& r, Settings& s) {
  const auto& origins = s.cors.origins;
  const bool wildcard = std::find(origins.begin(), origins.end(), "*") != origins.end();
  if (wildcard && s.cors.allow_credentials) {
    r.error(
        "CORS_ORIGINS: \"*\" cannot be combined with CORS_ALLOW_CREDENTIALS=true; list the "
        "allowed origins explicitly");
  }
}

}  // namespace

SettingGroup general_group() {
  const Section<Settings> g;
  return {
      "Environment and application",
      {
          g.parsed("ENVIRONMENT", &Settings::environment, parse_environment,
                   "`development`, `production`",
                   "an invalid value is an error, and the production rules apply"),
          g.parsed("DATA_DIR", &Settings::data_dir, parse_nonempty, "",
                   "created if missing; must be writable"),
          g.text("BASE_URL", &Settings::base_url, "used to build email links"),
          g.text("FRONTEND_URL", &Settings::frontend_url, "empty = unset"),
          g.parsed("API_ROOT", &Settings::api_root, parse_api_root, "empty or `/…`",
                   "prefix of every API route; one trailing `/` stripped"),
          g.flag("NO_ROOT_ROUTE", &Settings::no_root_route, "removes `/` and `/favicon.ico`"),
          g.text("TEMPLATES_DIR", &Settings::templates_dir,
                 "read email templates from this directory instead of the binary",
                 existing_directory),
          g.text("STATIC_DIR", &Settings::static_dir,
                 "read static files from this directory instead of the binary", existing_directory),
          g.by_rule("SECRET_KEY", &Settings::secret_key, "≥ 32 characters",
                    "signs tokens; not one of the template's placeholder values; see "
                    "\"Secret key\" above")
              .secret()
              .default_is("generated (development)"),
          g.integer("ACCESS_TOKEN_EXPIRE_MINUTES", &Settings::access_token_expire_minutes, 1,
                    525600, "lifetime of an access token"),
          g.flag("METRICS_ENABLED", &Settings::metrics_enabled,
                 "serves `/metrics` (never under `API_ROOT`)"),
          g.flag("CACHE_ENABLED", &Settings::cache_enabled, "response cache"),
          g.integer("CACHE_DEFAULT_TTL", &Settings::cache_default_ttl, 1, 86400,
                    "seconds a cached response lives"),
          g.integer("CACHE_MAX_ENTRIES", &Settings::cache_max_entries, 1, 10'000'000,
                    "bound of the in-process response cache (least recently used "
                    "evicted); not used with Redis"),
          g.flag("RATE_LIMIT_ENABLED", &Settings::rate_limit_enabled,
                 "turns on the per-route limits and the per-user budgets below"),
          g.flag("AUDIT_LOG_ENABLED", &Settings::audit_log_enabled,
                 "records the audit events (and sends the webhooks made from them); off "
                 "loses the trail, for measurements only"),
          g.integer("AUDIT_RETENTION_DAYS", &Settings::audit_retention_days, 1, 36500,
                    "audit events older than this are deleted by a background job"),
      }};
}

SettingGroup server_group() {
  const Section<ServerSettings> v(&Settings::server);
  return {
      "Server (new)",
      {
          v.text("HOST", &ServerSettings::host, "address to listen on; `--host` overrides",
                 not_empty),
          v.integer("PORT", &ServerSettings::port, 1, 65535,
                    "`--port` overrides (there 0 = any free port)"),
          v.integer("IO_THREADS", &ServerSettings::io_threads, 0, 64,
                    "event-loop threads, which never block; 0 = cores"),
          v.integer("WORKER_THREADS", &ServerSettings::worker_threads, 0, 256,
                    "pool for handlers that touch the database; 0 = cores on SQLite (min 2), "
                    "4 × cores on PostgreSQL (min 8)"),
          v.integer("WORKER_QUEUE_SIZE", &ServerSettings::worker_queue_size, 1, 1000000,
                    "jobs waiting beyond the busy workers; more → 503 + `Retry-After: 1`"),
          v.integer("MAX_CONNECTIONS", &ServerSettings::max_connections, 1, 1000000,
                    "beyond it a new connection gets 503 and is closed; lowered at start when "
                    "the open-file limit cannot hold it (operations.md, \"Open files\")"),
          v.integer("MAX_BODY_BYTES", &ServerSettings::max_body_bytes, 1024, 1073741824,
                    "larger bodies → 413"),
          v.integer("HEADER_TIMEOUT_SECONDS", &ServerSettings::header_timeout_seconds, 1, 3600,
                    "the whole header block must arrive in time, else 408"),
          v.integer("BODY_TIMEOUT_SECONDS", &ServerSettings::body_timeout_seconds, 1, 3600,
                    "the whole body must arrive in time, else 408; also bounds writes"),
          v.integer("IDLE_TIMEOUT_SECONDS", &ServerSettings::idle_timeout_seconds, 1, 3600,
                    "keep-alive wait for the next request, then a silent close"),
          v.integer("SHUTDOWN_TIMEOUT_SECONDS", &ServerSettings::shutdown_timeout_seconds, 1, 3600,
                    "drain deadline after SIGTERM/SIGINT"),
          v.list("TRUSTED_PROXIES", &ServerSettings::trusted_proxies,
                 "addresses or CIDRs whose `X-Forwarded-For` is believed", ip_or_cidr_items),
          v.flag("HSTS_ENABLED", &ServerSettings::hsts_enabled, "adds `Strict-Transport-Security`"),
      }};
}

SettingGroup cors_group() {
  const Section<CorsSettings> c(&Settings::cors);
  return {"CORS",
          {
              c.list("CORS_ORIGINS", &CorsSettings::origins,
                     "allowed origins; `*` is never combined with credentials"),
              c.flag("CORS_ALLOW_CREDENTIALS", &CorsSettings::allow_credentials,
                     "new; refused together with `CORS_ORIGINS=*`"),
          },
          check_cors};
}

SettingGroup ignored_group() {
  constexpr std::string_view kIgnored = "accepted for compatibility and ignored";
  return {"Accepted and ignored",
          {
              documented_only("I_READ_THE_DAMN_DOCS", "Gatehouse runs with zero setup"),
              documented_only("TEST_DB_NAME", kIgnored),
              documented_only("TEST_DB_PASSWORD", kIgnored),
              documented_only("TEST_DB_USER", kIgnored),
              documented_only("TEST_DB_ADDRESS", kIgnored),
              documented_only("TEST_DB_PORT", kIgnored),
              documented_only("TEST_WITH_POSTGRES", kIgnored),
          }};
}

}  // namespace gatehouse::config::detail
