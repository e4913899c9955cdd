#include "config/sources.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "config/dotenv.hpp"
#include "config/files.hpp"
#include "config/text.hpp"

extern char** environ;  // NOLINT: POSIX

namespace gatehouse::config {

VariableMap process_environment() {
  VariableMap out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

namespace detail {

namespace {

constexpr std::string_view kSecretsDir = "SECRETS_DIR";

// Upper-cases the keys of `env`, keeping only `keep(name)`; the upper-case spelling of
// a name wins over other spellings.
template <class Keep>
VariableMap normalise_keys(const VariableMap& env, Keep keep) {
  VariableMap out;
  for (const auto& [key, value] : env) {
    std::string upper = to_upper(key);
    if (!keep(upper)) continue;
    if (key == upper || !out.contains(upper)) out[std::move(upper)] = value;
  }
  return out;
}

void strip_trailing_newlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Files in `dir` named like a variable (exact upper-case name, or lower-case name).
void read_secrets_dir(const std::string& dir, MergedSources& out) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    out.warnings.emplace_back(
        "SECRETS_DIR is set but does not exist or is not a directory. File-based secrets will "
        "not be loaded.");
    return;
  }
  if (::access(dir.c_str(), W_OK) == 0) {
    out.warnings.emplace_back(
        "SECRETS_DIR is writable by the current process. For best security, this directory "
        "should be read-only.");
  }
  for (std::string_view name : known_variables()) {
    for (const std::string& file_name : {std::string(name), to_lower(name)}) {
      const std::string path = (std::filesystem::path(dir) / file_name).string();
      std::string content;
      const int err = read_whole_file(path, content);
      if (err == ENOENT || err == EISDIR) continue;
      if (err != 0) {
        out.errors.push_back("SECRETS_DIR: cannot read file " + quote(path) + " (" +
                             std::strerror(err) + ")");
        break;
      }
      strip_trailing_newlines(content);
      out.values[std::string(name)] = std::move(content);
      break;
    }
  }
}

}  // namespace

const std::vector<std::string_view>& known_variables() {
  static const std::vector<std::string_view> kNames{
      // General
      "ENVIRONMENT", "DATA_DIR", "BASE_URL", "FRONTEND_URL", "API_ROOT", "NO_ROOT_ROUTE",
      "TEMPLATES_DIR", "STATIC_DIR", "SECRET_KEY", "ACCESS_TOKEN_EXPIRE_MINUTES", "METRICS_ENABLED",
      "CACHE_ENABLED", "CACHE_DEFAULT_TTL", "CACHE_MAX_ENTRIES", "RATE_LIMIT_ENABLED",
      // Server
      "HOST", "PORT", "IO_THREADS", "WORKER_THREADS", "WORKER_QUEUE_SIZE", "MAX_CONNECTIONS",
      "MAX_BODY_BYTES", "HEADER_TIMEOUT_SECONDS", "BODY_TIMEOUT_SECONDS", "IDLE_TIMEOUT_SECONDS",
      "SHUTDOWN_TIMEOUT_SECONDS", "TRUSTED_PROXIES", "HSTS_ENABLED",
      // Database
      "DATABASE_URL", "DB_USER", "DB_PASSWORD", "DB_ADDRESS", "DB_PORT", "DB_NAME", "DB_POOL_SIZE",
      "DB_CONNECT_TIMEOUT_SECONDS", "AUTO_MIGRATE",
      // CORS
      "CORS_ORIGINS", "CORS_ALLOW_CREDENTIALS",
      // Logging
      "LOG_PATH", "LOG_LEVEL", "LOG_ROTATION", "LOG_RETENTION", "LOG_COMPRESSION", "LOG_CATEGORIES",
      "LOG_FILENAME", "LOG_CONSOLE_ENABLED",
      // Mail
      "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM", "MAIL_PORT", "MAIL_SERVER", "MAIL_FROM_NAME",
      "MAIL_STARTTLS", "MAIL_SSL_TLS", "MAIL_USE_CREDENTIALS", "MAIL_VALIDATE_CERTS",
      "MAIL_FILE_DIR",
      // Redis
      "REDIS_ENABLED", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB",
      "ENFORCE_REDIS_PASSWORD",
      // Admin pages
      "ADMIN_PAGES_ENABLED", "ADMIN_PAGES_ROUTE", "ADMIN_PAGES_TITLE", "ADMIN_PAGES_ENCRYPTION_KEY",
      "ADMIN_PAGES_TIMEOUT",
      // Metadata
      "API_TITLE", "API_DESCRIPTION", "REPOSITORY", "CONTACT", "LICENSE_INFO", "YEAR",
      // Authentication
      "PASSWORD_HASH", "ARGON2_MEMORY_KIB", "ARGON2_ITERATIONS", "BCRYPT_ROUNDS", "HASH_THREADS",
      "HASH_QUEUE_SIZE", "PASSWORD_MIN_LENGTH", "PASSWORD_MAX_LENGTH", "PASSWORD_REQUIRE_CLASSES",
      "JWT_ALGORITHM", "JWT_ISSUER", "JWT_PRIVATE_KEY_FILE", "JWT_PREVIOUS_PUBLIC_KEY_FILES",
      "PREVIOUS_SECRET_KEYS", "REFRESH_TOKEN_EXPIRE_MINUTES", "VERIFY_TOKEN_EXPIRE_MINUTES",
      "RESET_TOKEN_EXPIRE_MINUTES", "MFA_TOKEN_EXPIRE_MINUTES", "LOCKOUT_THRESHOLD",
      "LOCKOUT_MINUTES", "API_KEY_PREFIX", "MFA_REQUIRED_FOR_ADMINS", "RATE_LIMITS",
      "USER_RATE_LIMIT", "ADMIN_RATE_LIMIT", "RATE_LIMIT_FAIL_OPEN",
      // Accepted for compatibility with the reference and ignored
      "I_READ_THE_DAMN_DOCS", "TEST_DB_NAME", "TEST_DB_PASSWORD", "TEST_DB_USER", "TEST_DB_ADDRESS",
      "TEST_DB_PORT", "TEST_WITH_POSTGRES"};
  return kNames;
}

bool is_known_variable(std::string_view upper_name) {
  const auto& names = known_variables();
  return std::find(names.begin(), names.end(), upper_name) != names.end();
}

MergedSources merge_sources(const VariableMap& env, const std::string& dotenv_path) {
  MergedSources out;

  // Lowest precedence first: SECRETS_DIR, then .env, then the process environment.
  const VariableMap secrets_env =
      normalise_keys(env, [](const std::string& name) { return name == kSecretsDir; });
  if (auto it = secrets_env.find(std::string(kSecretsDir));
      it != secrets_env.end() && !it->second.empty()) {
    read_secrets_dir(it->second, out);
  }

  DotenvFile dotenv = read_dotenv_file(dotenv_path);
  out.errors.insert(out.errors.end(), dotenv.errors.begin(), dotenv.errors.end());
  for (DotenvEntry& entry : dotenv.entries) {
    const std::string where = dotenv_path + ":" + std::to_string(entry.line) + ": ";
    if (entry.key == kSecretsDir) {
      out.warnings.push_back(where +
                             "SECRETS_DIR is read from the process environment only; ignored");
    } else if (!is_known_variable(entry.key)) {
      out.warnings.push_back(where + "unknown variable " + entry.key + " ignored");
    } else {
      out.values[entry.key] = std::move(entry.value);
    }
  }

  for (auto& [key, value] :
       normalise_keys(env, [](const std::string& name) { return is_known_variable(name); })) {
    out.values[key] = value;
  }
  return out;
}

}  // namespace detail
}  // namespace gatehouse::config
