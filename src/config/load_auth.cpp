// Loader of the password, token, lockout and rate-limit settings.
#include "config/rate_limit.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

namespace {

enum class Case { kLower, kUpper };

// One of `choices`, compared case-insensitively and stored in the choices' case.
void read_choice(VariableReader& r, std::string_view name, Case letter_case,
                 std::initializer_list<std::string_view> choices, std::string& out) {
  if (!r.has_value(name)) return;
  const std::string raw = *r.find(name);
  const std::string value = letter_case == Case::kUpper ? to_upper(trim(raw)) : to_lower(trim(raw));
  for (std::string_view c : choices) {
    if (value == c) {
      out = value;
      return;
    }
  }
  std::string list;
  for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  r.invalid(name, "must be one of " + list, raw);
}

void read_limit(VariableReader& r, std::string_view name, std::string& out) {
  if (!r.has_value(name)) return;
  const std::string& raw = *r.find(name);
  if (!parse_rate_limit(raw)) {
    r.invalid(name, "must look like 1000/hour or 5/15minutes", raw);
    return;
  }
  out = raw;
}

}  // namespace

void load_auth(VariableReader& r, Settings& s) {
  AuthSettings& a = s.auth;
  read_choice(r, "PASSWORD_HASH", Case::kLower, {"argon2id", "bcrypt"}, a.password_hash);
  // Tests set cheap costs by configuration; production refuses them below.
  r.read_int("ARGON2_MEMORY_KIB", 8, 4 * 1024 * 1024, a.argon2_memory_kib);
  r.read_int("ARGON2_ITERATIONS", 1, 100, a.argon2_iterations);
  r.read_int("BCRYPT_ROUNDS", 4, 15, a.bcrypt_rounds);
  r.read_int("HASH_THREADS", 0, 64, a.hash_threads);
  r.read_int("HASH_QUEUE_SIZE", 1, 100000, a.hash_queue_size);
  r.read_int("PASSWORD_MIN_LENGTH", 8, 128, a.password_min_length);
  r.read_int("PASSWORD_MAX_LENGTH", 8, 1024, a.password_max_length);
  r.read_bool("PASSWORD_REQUIRE_CLASSES", a.password_require_classes);
  if (a.password_max_length < a.password_min_length) {
    r.error("PASSWORD_MAX_LENGTH: must not be smaller than PASSWORD_MIN_LENGTH");
  }

  read_choice(r, "JWT_ALGORITHM", Case::kUpper, {"HS256", "ES256", "RS256"}, a.jwt_algorithm);
  r.read_string("JWT_ISSUER", a.jwt_issuer);
  if (a.jwt_issuer.empty()) r.error("JWT_ISSUER: must not be empty");
  r.read_string("JWT_PRIVATE_KEY_FILE", a.jwt_private_key_file);
  if (r.has_value("JWT_PREVIOUS_PUBLIC_KEY_FILES")) {
    a.jwt_previous_public_key_files = split_list(*r.find("JWT_PREVIOUS_PUBLIC_KEY_FILES"));
  }
  if (r.has_value("PREVIOUS_SECRET_KEYS")) {
    a.previous_secret_keys = split_list(*r.find("PREVIOUS_SECRET_KEYS"));
    for (const auto& k : a.previous_secret_keys) {
      if (k.size() < 32) {
        r.error("PREVIOUS_SECRET_KEYS: every key must be at least 32 characters");
        break;
      }
    }
  }
  if (a.jwt_algorithm != "HS256" && a.jwt_private_key_file.empty()) {
    r.error("JWT_PRIVATE_KEY_FILE: required when JWT_ALGORITHM is " + a.jwt_algorithm);
  }
  r.read_int("REFRESH_TOKEN_EXPIRE_MINUTES", 1, 525600, a.refresh_token_expire_minutes);
  r.read_int("VERIFY_TOKEN_EXPIRE_MINUTES", 1, 10080, a.verify_token_expire_minutes);
  r.read_int("RESET_TOKEN_EXPIRE_MINUTES", 1, 1440, a.reset_token_expire_minutes);
  r.read_int("MFA_TOKEN_EXPIRE_MINUTES", 1, 60, a.mfa_token_expire_minutes);

  r.read_int("LOCKOUT_THRESHOLD", 1, 1000, a.lockout_threshold);
  r.read_int("LOCKOUT_MINUTES", 1, 525600, a.lockout_minutes);
  r.read_string("API_KEY_PREFIX", a.api_key_prefix);
  if (a.api_key_prefix.empty() || a.api_key_prefix.size() > 16) {
    r.error("API_KEY_PREFIX: must be 1 to 16 characters");
  }
  r.read_bool("MFA_REQUIRED_FOR_ADMINS", a.mfa_required_for_admins);

  if (r.has_value("RATE_LIMITS")) {
    std::string why;
    if (parse_rate_limit_overrides(*r.find("RATE_LIMITS"), why)) {
      a.rate_limits = *r.find("RATE_LIMITS");
    } else {
      r.error("RATE_LIMITS: " + why);
    }
  }
  read_limit(r, "USER_RATE_LIMIT", a.user_rate_limit);
  read_limit(r, "ADMIN_RATE_LIMIT", a.admin_rate_limit);
  r.read_bool("RATE_LIMIT_FAIL_OPEN", a.rate_limit_fail_open);

  if (s.is_production()) {
    if (a.password_hash == "argon2id" && (a.argon2_memory_kib < 19456 || a.argon2_iterations < 2)) {
      r.error(
          "ARGON2_MEMORY_KIB/ARGON2_ITERATIONS: below the OWASP minimum (19456 KiB, 2) in "
          "production");
    }
    if (a.bcrypt_rounds < 10) r.error("BCRYPT_ROUNDS: must be at least 10 in production");
  }
}

}  // namespace gatehouse::config::detail
