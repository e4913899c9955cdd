#pragma once
// MfaService: a user's TOTP second factor, turned on and off (docs/http-api.md §4
// "Two-factor authentication"): enrolment, confirmation with recovery codes, removal by the
// user (code or password) and by an admin or the CLI for a lost device. Sign-in with the
// second factor is AuthService::login_mfa.
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "services/auth_service.hpp"
#include "services/clock.hpp"
#include "services/hash_pool.hpp"
#include "services/notifier.hpp"
#include "services/principal.hpp"
#include "services/second_factor.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

inline constexpr const char* kInvalidMfaCode = "Invalid authentication code";
inline constexpr const char* kMfaAlreadyEnabled = "Two-factor authentication is already enabled";
inline constexpr const char* kMfaNotEnabled = "Two-factor authentication is not enabled";
inline constexpr const char* kMfaNotPending = "No two-factor enrolment is pending";
inline constexpr const char* kMfaOwnReset =
    "Use DELETE /users/me/mfa/totp to turn off your own two-factor authentication";
inline constexpr const char* kMfaRequiredForAdmins =
    "Two-factor authentication is required for admin access";

struct TotpEnrolment {
  std::string secret;  // base32, for typing into an app
  std::string otpauth_uri;
};

// How the caller proves it is them before TOTP is turned off: a code (TOTP or recovery) or
// the password.
struct MfaProof {
  std::optional<std::string> code;
  std::optional<std::string> password;
};

class MfaService {
 public:
  MfaService(store::Database& db, SecondFactor& factor, HashPool& hashes, AuthService& auth,
             Notifier& notifier, AuditLog& audit, Clock clock);

  // Starts (or restarts) an enrolment: a new pending secret replaces any earlier pending one.
  // 400 kMfaAlreadyEnabled once TOTP is on (disable it first).
  Result<TotpEnrolment> start_enrolment(const Principal& p);

  // Turns TOTP on with a code of the pending secret: answers kRecoveryCodeCount recovery
  // codes (their only appearance), revokes the caller's other sessions and emails the owner.
  // 400 kMfaNotPending without a pending enrolment (or when one started meanwhile),
  // kMfaAlreadyEnabled when already on, kInvalidMfaCode for a wrong or reused code.
  Result<std::vector<std::string>> confirm(const Principal& p, const std::string& code);

  // Turns TOTP off for the caller, proven by a TOTP or recovery code or by the password;
  // revokes the caller's other sessions and emails the owner. 400 kMfaNotEnabled,
  // kInvalidMfaCode, or "Current password is incorrect". A wrong proof counts toward the
  // account lockout, and a locked account's proof is refused (someone holding a stolen
  // session gets as few guesses here as at sign-in).
  Status disable(const Principal& p, const MfaProof& proof);

  // Lost device: an admin (`admin`) or the operator (nullptr) turns a user's TOTP off; every
  // session of the user ends and the owner is emailed (when it was on). 404 kNoSuchUser for an
  // unknown id. Turning off a TOTP that is not on succeeds and changes nothing but a pending
  // enrolment. An admin's own TOTP is refused (400 kMfaOwnReset): that needs a code or the
  // password (disable), or another admin.
  Status reset(std::int64_t user_id, const Principal* admin = nullptr);

 private:
  Status turned_off(const store::User& user, const std::string& keep_session);

  store::Database& db_;
  SecondFactor& factor_;
  HashPool& hashes_;
  AuthService& auth_;
  Notifier& notifier_;
  AuditLog& audit_;
  Clock clock_;
};

}  // namespace gatehouse::services
