// Declarations of the password, token, lockout and rate-limit settings.
#include "config/rate_limit.hpp"
#include "config/sections.hpp"

namespace gatehouse::config::detail {

namespace {

// An empty value counts as not set.
void parse_limit(VariableReader& r, std::string_view name, const std::string& raw,
                 std::string& out) {
  if (raw.empty()) return;
  if (!parse_rate_limit(raw)) {
    r.invalid(name, "must look like 1000/hour or 5/15minutes", raw);
    return;
  }
  out = raw;
}

// An empty value counts as not set.
void parse_limit_overrides(VariableReader& r, std::string_view name, const std::string& raw,
                           std::string& out) {
  if (raw.empty()) return;
  std::string why;
  if (parse_rate_limit_overrides(raw, why)) {
    out = raw;
  } else {
    r.error(std::string(name) + ": " + why);
  }
}

// Each previous secret passes the SECRET_KEY rules: a weak old key must not keep working.
// The first problem is reported, naming the variable and the position, never the key.
void strong_previous_keys(VariableReader& r, std::string_view name,
                          const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string label = std::string(name) + " (key " + std::to_string(i + 1) + ")";
    if (std::string problem = secret_key_problem(label, keys[i]); !problem.empty()) {
      r.error(std::move(problem));
      return;
    }
  }
}

void api_key_prefix_length(VariableReader& r, std::string_view name, const std::string& prefix) {
  if (prefix.empty() || prefix.size() > 16) {
    r.error(std::string(name) + ": must be 1 to 16 characters");
  }
}

void check_auth(VariableReader& r, Settings& s) {
  const AuthSettings& a = s.auth;
  if (a.password_max_length < a.password_min_length) {
    r.error("PASSWORD_MAX_LENGTH: must not be smaller than PASSWORD_MIN_LENGTH");
  }
  if (a.jwt_algorithm != "HS256" && a.jwt_private_key_file.empty()) {
    r.error("JWT_PRIVATE_KEY_FILE: required when JWT_ALGORITHM is " + a.jwt_algorithm);
  }
  if (s.is_production()) {
    if (a.password_hash == "argon2id" && (a.argon2_memory_kib < 19456 || a.argon2_iterations < 2)) {
      r.error(
          "ARGON2_MEMORY_KIB/ARGON2_ITERATIONS: below the OWASP minimum (19456 KiB, 2) in "
          "production");
    }
    if (a.bcrypt_rounds < 10) r.error("BCRYPT_ROUNDS: must be at least 10 in production");
  }
}

}  // namespace

SettingGroup auth_group() {
  const Section<AuthSettings> a(&Settings::auth);
  using A = AuthSettings;
  // Tests set cheap hash costs by configuration; production refuses them (check_auth).
  return {
      "Passwords, tokens, lockout, rate limits (new)",
      {
          a.choice("PASSWORD_HASH", &A::password_hash, LetterCase::kLower, {"argon2id", "bcrypt"},
                   "new hashes; both formats always verify, outdated ones re-hash at login"),
          a.integer("ARGON2_MEMORY_KIB", &A::argon2_memory_kib, 8, std::int64_t{4} * 1024 * 1024,
                    "production refuses less than the OWASP minimum (19456); tests use 8"),
          a.integer("ARGON2_ITERATIONS", &A::argon2_iterations, 1, 100,
                    "production refuses less than 2; tests use 1"),
          a.integer("BCRYPT_ROUNDS", &A::bcrypt_rounds, 4, 15, "production refuses < 10"),
          a.integer("HASH_THREADS", &A::hash_threads, 0, 64,
                    "the password-hashing pool; 0 = cores"),
          a.integer("HASH_QUEUE_SIZE", &A::hash_queue_size, 1, 100000,
                    "hashes waiting beyond the busy threads; more → 503"),
          a.integer("PASSWORD_MIN_LENGTH", &A::password_min_length, 8, 128,
                    "password policy: shortest password"),
          a.integer("PASSWORD_MAX_LENGTH", &A::password_max_length, 8, 1024,
                    "password policy: longest password; not below `PASSWORD_MIN_LENGTH`"),
          a.flag("PASSWORD_REQUIRE_CLASSES", &A::password_require_classes,
                 "password policy: require several character classes"),
          a.choice("JWT_ALGORITHM", &A::jwt_algorithm, LetterCase::kUpper,
                   {"HS256", "ES256", "RS256"}, "`ES256`/`RS256` need `JWT_PRIVATE_KEY_FILE`"),
          a.text("JWT_ISSUER", &A::jwt_issuer, "checked on every token", not_empty),
          a.text("JWT_PRIVATE_KEY_FILE", &A::jwt_private_key_file,
                 "PEM private key for `ES256`/`RS256`"),
          a.list("JWT_PREVIOUS_PUBLIC_KEY_FILES", &A::jwt_previous_public_key_files,
                 "PEM public keys of earlier signing keys (same type) that still verify during a "
                 "rotation; published in `/.well-known/jwks.json`"),
          a.list("PREVIOUS_SECRET_KEYS", &A::previous_secret_keys,
                 "old `SECRET_KEY`s whose tokens and API keys still verify during a rotation; "
                 "each follows the `SECRET_KEY` rules",
                 strong_previous_keys)
              .secret(),
          a.integer("REFRESH_TOKEN_EXPIRE_MINUTES", &A::refresh_token_expire_minutes, 1, 525600,
                    "lifetime of a refresh token (30 days)"),
          a.integer("VERIFY_TOKEN_EXPIRE_MINUTES", &A::verify_token_expire_minutes, 1, 10080,
                    "lifetime of an email verification link (the email text says 10 minutes)"),
          a.integer("RESET_TOKEN_EXPIRE_MINUTES", &A::reset_token_expire_minutes, 1, 1440,
                    "lifetime of a password reset link (the email text says 30 minutes)"),
          a.integer("MFA_TOKEN_EXPIRE_MINUTES", &A::mfa_token_expire_minutes, 1, 60,
                    "time to complete a sign-in's second factor"),
          a.integer("LOCKOUT_THRESHOLD", &A::lockout_threshold, 1, 1000,
                    "consecutive failures before a lockout"),
          a.integer("LOCKOUT_MINUTES", &A::lockout_minutes, 1, 525600, "length of a lockout"),
          a.text("API_KEY_PREFIX", &A::api_key_prefix, "prefix of new API keys",
                 api_key_prefix_length),
          a.flag("MFA_REQUIRED_FOR_ADMINS", &A::mfa_required_for_admins,
                 "admins must enrol a second factor"),
          a.parsed("RATE_LIMITS", &A::rate_limits, parse_limit_overrides, "`key=N/period,…`",
                   "overrides of the per-route limits, e.g. `login=10/15minutes,register=5/hour`"),
          a.parsed("USER_RATE_LIMIT", &A::user_rate_limit, parse_limit, "`N/period`",
                   "per-user budget, e.g. `1000/hour`; empty = none"),
          a.parsed("ADMIN_RATE_LIMIT", &A::admin_rate_limit, parse_limit, "`N/period`",
                   "per-admin budget; empty = none"),
          a.flag("RATE_LIMIT_FAIL_OPEN", &A::rate_limit_fail_open,
                 "allow requests when the counter store fails"),
      },
      check_auth};
}

}  // namespace gatehouse::config::detail
