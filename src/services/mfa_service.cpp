#include "services/mfa_service.hpp"

#include "observability/log.hpp"
#include "services/user_service.hpp"

namespace gatehouse::services {

namespace {

using obs::Category;

Error invalid_code() { return Error::of(ErrorCode::kInvalidMfaCode, kInvalidMfaCode); }
Error state(const char* message) { return Error::of(ErrorCode::kMfaState, message); }

}  // namespace

MfaService::MfaService(store::Database& db, SecondFactor& factor, HashPool& hashes,
                       AuthService& auth, Notifier& notifier, AuditLog& audit, Clock clock)
    : db_(db),
      factor_(factor),
      hashes_(hashes),
      auth_(auth),
      notifier_(notifier),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<TotpEnrolment> MfaService::start_enrolment(const Principal& p) {
  if (p.user.mfa_enabled) return state(kMfaAlreadyEnabled);
  NewTotpSecret secret = factor_.new_secret(p.user);
  auto stored = db_.mfa().set_pending_secret(p.user.id, secret.sealed);
  if (!stored) return stored.error();
  // Turned on by a concurrent confirmation since this request authenticated.
  if (!*stored) return state(kMfaAlreadyEnabled);
  obs::info(Category::kAuth, "Two-factor enrolment started for user ID {}", p.user.id);
  return TotpEnrolment{std::move(secret.base32), std::move(secret.otpauth_uri)};
}

Result<std::vector<std::string>> MfaService::confirm(const Principal& p, const std::string& code) {
  const store::User& user = p.user;
  if (user.mfa_enabled) return state(kMfaAlreadyEnabled);
  if (!user.mfa_secret) return state(kMfaNotPending);
  auto matched = factor_.match(user, code, /*allow_recovery=*/false);
  if (!matched) return matched.error();
  if (!*matched) return invalid_code();
  // Spent here too: the code that turned TOTP on cannot also complete a sign-in.
  auto fresh = factor_.spend(user, *matched);
  if (!fresh) return fresh.error();
  if (!*fresh) return invalid_code();
  NewRecoveryCodes recovery = factor_.new_recovery_codes(user.id);
  // Only while the secret the code was checked against is still the pending one.
  std::optional<store::User> enabled;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.mfa().enable(user.id, *user.mfa_secret, recovery.hashes);
    if (!row) return row.error();
    if (!*row) return state(kMfaNotPending);
    enabled = std::move(**row);
    auto revoked = db_.sessions().revoke_all(user.id, p.session_id, "mfa_enabled", clock_());
    if (!revoked) return revoked.error();
    return audit_.record(AuditEntry::about_user(audit_action::kMfaEnabled, user.id));
  });
  if (!stored) return stored.error();
  notifier_.mfa_enabled(*enabled);
  obs::info(Category::kAuth, "Two-factor authentication enabled for user ID {}", user.id);
  return std::move(recovery.codes);
}

Status MfaService::disable(const Principal& p, const MfaProof& proof) {
  const store::User& user = p.user;
  if (!user.mfa_enabled) return state(kMfaNotEnabled);
  const bool locked = auth_.locked(user);
  if (proof.password) {
    const Error wrong = Error::of(ErrorCode::kCurrentPasswordIncorrect, kCurrentPasswordIncorrect);
    auto right = hashes_.verify(*proof.password, user.password_hash);
    if (!right) return right.error();
    if (locked) return wrong;
    if (!*right) {
      auth_.count_failed_login(user, "invalid_password");
      return wrong;
    }
  } else {
    if (locked) return invalid_code();
    auto matched = factor_.match(user, proof.code.value_or(""), /*allow_recovery=*/true);
    if (!matched) return matched.error();
    auto fresh = *matched ? factor_.spend(user, *matched) : Result<bool>(false);
    if (!fresh) return fresh.error();
    if (!*fresh) {
      auth_.count_failed_second_factor(user);
      return invalid_code();
    }
  }
  return turned_off(user, p.session_id);
}

Status MfaService::reset(std::int64_t user_id, const Principal* admin) {
  if (admin && admin->user.id == user_id) return state(kMfaOwnReset);
  auto found = db_.users().find_by_id(user_id);
  if (!found) return found.error();
  if (!*found) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
  if (!(*found)->mfa_enabled) {
    // Nothing to turn off; a pending enrolment is dropped all the same.
    auto off = db_.mfa().disable(user_id);
    if (!off) return off.error();
    return ok();
  }
  // The device may be in someone else's hands: every session ends, not only the others.
  return turned_off(**found, "");
}

Status MfaService::turned_off(const store::User& user, const std::string& keep_session) {
  std::optional<store::User> after;
  Status stored = audit_.atomically([&]() -> Status {
    auto off = db_.mfa().disable(user.id);
    if (!off) return off.error();
    if (!*off) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    if (!(*off)->was_enabled) return state(kMfaNotEnabled);
    after = std::move((*off)->user);
    auto revoked = db_.sessions().revoke_all(user.id, keep_session, "mfa_disabled", clock_());
    if (!revoked) return revoked.error();
    AuditEntry e = AuditEntry::about_user(audit_action::kMfaDisabled, user.id);
    // Turned off by someone else than its owner: an admin's reset or the CLI.
    e.details["reset"] = keep_session.empty();
    return audit_.record(e);
  });
  if (!stored) return stored;
  notifier_.mfa_disabled(*after);
  obs::info(Category::kAuth, "Two-factor authentication disabled for user ID {}", user.id);
  return ok();
}

}  // namespace gatehouse::services
