// Loaders of the general, server and CORS settings.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "config/sections.hpp"
#include "config/text.hpp"
#include "config/values.hpp"

namespace gatehouse::config::detail {

namespace {

void read_directory_override(VariableReader& r, std::string_view name, std::string& out) {
  r.read_string(name, out);
  std::error_code ec;
  if (!out.empty() && !std::filesystem::is_directory(out, ec)) {
    r.error(std::string(name) + ": " + quote(out) + " is not a directory");
  }
}

}  // namespace

void load_general(VariableReader& r, Settings& s) {
  if (r.has_value("ENVIRONMENT")) {
    const std::string& raw = *r.find("ENVIRONMENT");
    const std::string value = to_lower(trim(raw));
    if (value == "development") {
      s.environment = Environment::kDevelopment;
    } else if (value == "production") {
      s.environment = Environment::kProduction;
    } else {
      r.invalid("ENVIRONMENT", "must be development or production", raw);
      s.environment = Environment::kProduction;  // fail closed: the strict rules apply
    }
  }
  if (r.has_value("DATA_DIR")) s.data_dir = *r.find("DATA_DIR");
  r.read_string("BASE_URL", s.base_url);
  r.read_string("FRONTEND_URL", s.frontend_url);

  if (const std::string* raw = r.find("API_ROOT")) {
    std::string root = *raw;
    if (!root.empty() && root.back() == '/') root.pop_back();
    if (!root.empty() && root.front() != '/') {
      r.invalid("API_ROOT", "must be empty or start with \"/\"", *raw);
    } else {
      s.api_root = std::move(root);
    }
  }
  r.read_bool("NO_ROOT_ROUTE", s.no_root_route);
  read_directory_override(r, "TEMPLATES_DIR", s.templates_dir);
  read_directory_override(r, "STATIC_DIR", s.static_dir);

  r.read_int("ACCESS_TOKEN_EXPIRE_MINUTES", 1, 525600, s.access_token_expire_minutes);
  r.read_bool("METRICS_ENABLED", s.metrics_enabled);
  r.read_bool("CACHE_ENABLED", s.cache_enabled);
  r.read_int("CACHE_DEFAULT_TTL", 1, 86400, s.cache_default_ttl);
  r.read_int("CACHE_MAX_ENTRIES", 1, 10'000'000, s.cache_max_entries);
  r.read_bool("RATE_LIMIT_ENABLED", s.rate_limit_enabled);
  // I_READ_THE_DAMN_DOCS is accepted and ignored: Gatehouse runs with zero setup.
}

void load_server(VariableReader& r, ServerSettings& s) {
  r.read_string("HOST", s.host);
  if (s.host.empty()) r.error("HOST: must not be empty");
  r.read_int("PORT", 1, 65535, s.port);
  r.read_int("IO_THREADS", 0, 64, s.io_threads);
  r.read_int("WORKER_THREADS", 0, 256, s.worker_threads);
  r.read_int("WORKER_QUEUE_SIZE", 1, 1000000, s.worker_queue_size);
  r.read_int("MAX_CONNECTIONS", 1, 1000000, s.max_connections);
  r.read_uint64("MAX_BODY_BYTES", 1024, 1073741824, s.max_body_bytes);
  r.read_int("HEADER_TIMEOUT_SECONDS", 1, 3600, s.header_timeout_seconds);
  r.read_int("BODY_TIMEOUT_SECONDS", 1, 3600, s.body_timeout_seconds);
  r.read_int("IDLE_TIMEOUT_SECONDS", 1, 3600, s.idle_timeout_seconds);
  r.read_int("SHUTDOWN_TIMEOUT_SECONDS", 1, 3600, s.shutdown_timeout_seconds);
  if (const std::string* raw = r.find("TRUSTED_PROXIES")) {
    s.trusted_proxies = split_list(*raw);
    for (const std::string& item : s.trusted_proxies) {
      if (!is_ip_or_cidr(item)) {
        r.error("TRUSTED_PROXIES: " + quote(item) +
                " is not an IP address or CIDR (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)");
      }
    }
  }
  r.read_bool("HSTS_ENABLED", s.hsts_enabled);
}

void load_cors(VariableReader& r, CorsSettings& s) {
  if (const std::string* raw = r.find("CORS_ORIGINS")) s.origins = split_list(*raw);
  r.read_bool("CORS_ALLOW_CREDENTIALS", s.allow_credentials);
  const bool wildcard = std::find(s.origins.begin(), s.origins.end(), "*") != s.origins.end();
  if (wildcard && s.allow_credentials) {
    r.error(
        "CORS_ORIGINS: \"*\" cannot be combined with CORS_ALLOW_CREDENTIALS=true; list the "
        "allowed origins explicitly");
  }
}

}  // namespace gatehouse::config::detail
