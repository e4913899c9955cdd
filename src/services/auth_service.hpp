#pragma once
// AuthService: registration, verification, login with lockout, refresh rotation with reuse
// detection, logout, password reset, and the check of every access token. The rules of
// docs/http-api.md §2 "Authentication" to §4 "Auth routes" live here, not in handlers.
#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "services/audit_log.hpp"
#include "services/hash_pool.hpp"
#include "services/notifier.hpp"
#include "services/principal.hpp"
#include "services/second_factor.hpp"
#include "services/token_issuer.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

struct TokenPair {
  std::string token;
  std::string refresh;
};

// What a correct password gets: the token pair, or, with TOTP on, only an mfa_token for
// POST /login/mfa/ (no token pair, no session yet).
struct LoginResult {
  TokenPair tokens;
  std::string mfa_token;
  bool mfa_required() const { return !mfa_token.empty(); }
};

// The most wrong codes one mfa_token takes; the last one spends it.
inline constexpr int kMfaTokenAttempts = 5;
// The longest lock a run of wrong second-factor codes reaches.
inline constexpr auto kMaxSecondFactorLock = std::chrono::hours(24);

struct RegisterInput {
  std::string email;  // normalised
  std::string password;
  std::string first_name;
  std::string last_name;
};

// Messages the reference clients depend on.
inline constexpr const char* kInvalidToken = "That token is Invalid";
inline constexpr const char* kExpiredToken = "That token has Expired";
inline constexpr const char* kWrongCredentials = "Wrong email or password";
inline constexpr const char* kNotVerified = "You need to verify your Email before logging in";

class AuthService {
 public:
  AuthService(const config::Settings& settings, store::Database& db, HashPool& hashes,
              const TokenIssuer& tokens, Notifier& notifier, SecondFactor& second_factor,
              AuditLog& audit);

  // Password-policy message for `password` (docs/http-api.md §3), or nullopt when acceptable.
  std::optional<std::string> password_problem(const std::string& password,
                                              const std::string& email) const;
  // The password policy as the API answers it: a 422 validation error on body field
  // `field` (pydantic's value_error shape, the password echoed as its input).
  Status check_new_password(const char* field, const std::string& password,
                            const std::string& email) const;

  // Always succeeds the same way whether or not the email is taken (no account probing); a new
  // address gets the welcome email, a taken one a notice (or, still unverified, a fresh
  // verification link). Costs one password hash either way.
  Status register_user(const RegisterInput& in);

  // 400 kWrongCredentials for unknown, wrong, banned and locked alike (dummy hash for
  // unknown emails, so they cost a hash too); counts failures toward lockout. Once a hash was
  // verified, `*not_before` (when given) is the earliest time a failure may be answered, so that it
  // takes as long whatever the stored hash's scheme and cost (services/login_timing.hpp).
  // With TOTP on, a correct password gets an mfa_token instead of tokens (LoginResult), and
  // the failure count is left alone: only the second step ends a run of failures.
  Result<LoginResult> login(const std::string& email, const std::string& password,
                            const ClientInfo& client,
                            HashPool::Clock::time_point* not_before = nullptr);

  // The second step: a TOTP code or an unused recovery code with the mfa_token of the first.
  // The token is spent by a success or by its kMfaTokenAttempts-th wrong code; a wrong code
  // is 400 "Invalid authentication code" and counts toward the account lockout, as does a
  // code used before (each TOTP step is accepted once per user, on every instance). A spent,
  // foreign-typed, expired or outdated token (password, email, TOTP or token cut-off changed
  // since) is 401 like any token. Using a recovery code emails the owner.
  Result<TokenPair> login_mfa(const std::string& mfa_token, const std::string& code,
                              const ClientInfo& client);

  // Rotates: the presented refresh token is spent; a spent one revokes its session.
  Result<TokenPair> refresh(const std::string& refresh_token);

  Status logout(const Principal& p);
  Status logout_all(const Principal& p);

  // Single-use verification: any failure, a reused or foreign token included, is 401
  // kInvalidToken/kExpiredToken.
  Status verify_email(const std::string& code);

  // Sends a new verification email only to an existing unverified, unbanned user. Costs
  // more for an existing address: the routes run it in the background (MailRequests).
  void resend_verification(const std::string& email);

  // Sends a reset email only to an existing, unbanned user. Costs more for an existing
  // address: the routes run it in the background (MailRequests).
  void forgot_password(const std::string& email);

  // Checks a reset code without spending it (GET form). Error as the reset would fail.
  Result<store::User> check_reset_code(const std::string& code);

  // Single-use reset: sets the password, kills every session and token, emails.
  Status reset_password(const std::string& code, const std::string& new_password);

  // Validates an access token for a request (docs/http-api.md §2 "JWT" acceptance rules).
  Result<Principal> authenticate_bearer(const std::string& token);

  // Revokes one session: its access tokens are refused from the next request on (every
  // request reads its session row).
  Status revoke_session(const std::string& sid, const std::string& reason);

  // Revokes the user's sessions; `keep` stays.
  Status revoke_sessions(std::int64_t user_id, const std::string& keep, const std::string& reason);

  const TokenIssuer& tokens() const { return tokens_; }

  // One failed proof of identity by `user` (a wrong password or code), toward the lockout;
  // emails the owner when it locks. `longer`: lock until then instead of LOCKOUT_MINUTES
  // (and lengthen a running lock to it).
  // Records a user.login failure with `reason` (and user.locked when it locks), in the
  // transaction of the count.
  void count_failed_login(const store::User& user, std::string_view reason,
                          std::optional<store::Timestamp> longer = std::nullopt);
  // One wrong second-factor code: counts as a failed login, and in a run of them since the
  // last completed sign-in every LOCKOUT_THRESHOLD-th one locks for twice as long as the
  // previous lock (LOCKOUT_MINUTES, then 2×, 4×, … up to kMaxSecondFactorLock), so someone
  // who has the password cannot try ten codes every LOCKOUT_MINUTES for ever.
  void count_failed_second_factor(const store::User& user);
  // Whether `user` is locked out now.
  bool locked(const store::User& user) const;

 private:
  // `second_factor`: the sign-in passed TOTP. The session is created only while the user's
  // TOTP state is still the one that decided (NewSession::require_mfa_enabled).
  Result<TokenPair> start_session(const store::User& user, const ClientInfo& client,
                                  bool second_factor);
  // The user of `claims`; a refusal is counted under `method` (auth_failures_total).
  Result<store::User> user_from_claims(const crypto::Claims& claims, std::string_view method);
  struct ResetCode {
    store::User user;
    crypto::Claims claims;
  };
  Result<ResetCode> decode_reset_code(const std::string& code);
  bool currently_banned(const store::User& u) const;
  // A user.login failure event (`id` nullopt: no such account) with details.reason.
  Status record_login_failure(std::optional<std::int64_t> id, const std::string& email,
                              std::string_view reason);
  // A wrong code at the second step: toward the token's attempts and the lockout.
  Error wrong_mfa_code(const store::User& user, const crypto::Claims& claims);

  const config::Settings& settings_;
  store::Database& db_;
  HashPool& hashes_;
  const TokenIssuer& tokens_;
  Notifier& notifier_;
  SecondFactor& second_factor_;
  AuditLog& audit_;
};

}  // namespace gatehouse::services
