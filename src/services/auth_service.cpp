#include "services/auth_service.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <charconv>

#include "core/ids.hpp"
#include "crypto/password_policy.hpp"
#include "observability/auth_metrics.hpp"
#include "observability/log.hpp"
#include "services/mfa_service.hpp"
#include "services/user_rules.hpp"

namespace gatehouse::services {

namespace {

using crypto::TokenType;
using obs::Category;

Error invalid_token() { return Error::token_invalid(kInvalidToken); }
Error wrong_credentials() { return Error::of(ErrorCode::kInvalidCredentials, kWrongCredentials); }

// Methods of auth_failures_total: which kind of token or code was refused.
constexpr std::string_view kJwt = "jwt";
constexpr std::string_view kRefreshToken = "refresh_token";
constexpr std::string_view kVerifyEmail = "verify_email";
constexpr std::string_view kPasswordReset = "password_reset";
constexpr std::string_view kMfaToken = "mfa_token";

// A refused token or code, counted under the reference's reason; the client sees the same
// "That token is Invalid" whatever the reason.
Error refused(std::string_view reason, std::string_view method) {
  obs::count_auth_failure(reason, method);
  return invalid_token();
}

// A token that did not decode: expired or invalid, counted; the error itself is answered.
Error undecodable(Error e, std::string_view method) {
  if (e.is(ErrorCode::kTokenExpired)) {
    obs::count_auth_failure("expired_token", method);
  } else if (e.is(ErrorCode::kTokenInvalid)) {
    obs::count_auth_failure("invalid_token", method);
  }
  return e;
}

std::optional<std::int64_t> parse_user_id(const std::string& sub) {
  std::int64_t id = 0;
  const auto [ptr, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), id);
  if (ec != std::errc() || ptr != sub.data() + sub.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

AuthService::AuthService(const config::Settings& settings, store::Database& db, HashPool& hashes,
                         const TokenIssuer& tokens, Notifier& notifier, SecondFactor& second_factor,
                         AuditLog& audit)
    : settings_(settings),
      db_(db),
      hashes_(hashes),
      tokens_(tokens),
      notifier_(notifier),
      second_factor_(second_factor),
      audit_(audit) {}

std::optional<std::string> AuthService::password_problem(const std::string& password,
                                                         const std::string& email) const {
  crypto::PolicySettings policy;
  policy.min_length = settings_.auth.password_min_length;
  policy.max_length = settings_.auth.password_max_length;
  policy.require_classes = settings_.auth.password_require_classes;
  policy.bcrypt = settings_.auth.password_hash == "bcrypt";
  return crypto::check_password(password, email, policy);
}

Status AuthService::check_new_password(const char* field, const std::string& password,
                                       const std::string& email) const {
  auto problem = password_problem(password, email);
  if (!problem) return ok();
  return Error::validation({{"value_error",
                             {"body", field},
                             "Value error, " + *problem,
                             boost::json::serialize(boost::json::string(password)),
                             "{\"error\":{}}"}});
}

bool AuthService::currently_banned(const store::User& u) const {
  return banned_at(u, tokens_.now());
}

Status AuthService::register_user(const RegisterInput& in) {
  if (Status s = check_new_password("password", in.password, in.email); !s) return s;
  auto existing = db_.users().find_by_email(in.email);
  if (!existing) return existing.error();
  // Hash in both branches so a taken address answers in the same time.
  auto hashed = hashes_.hash(in.password);
  if (!hashed) return hashed.error();
  if (*existing) {
    const store::User& u = **existing;
    if (!u.verified && !currently_banned(u)) {
      if (auto token = tokens_.verify(u)) notifier_.welcome(u, *token);
    } else {
      notifier_.register_attempt(u);
    }
    obs::info(Category::kAuth, "Registration attempt for an existing account: ID {}", u.id);
    return ok();
  }
  store::NewUser nu;
  nu.email = in.email;
  nu.password_hash = *hashed;
  nu.first_name = in.first_name;
  nu.last_name = in.last_name;
  store::User created;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().create(nu);
    if (!row) return row.error();
    created = std::move(*row);
    AuditEntry e = AuditEntry::about_user(audit_action::kUserRegistered, created.id);
    e.actor_id = created.id;
    e.details["email"] = created.email;
    return audit_.record(e);
  });
  if (!stored) {
    // Lost a race with a concurrent registration of the same address: same answer.
    if (stored.error().is(ErrorCode::kEmailTaken)) return ok();
    return stored;
  }
  auto token = tokens_.verify(created);
  if (!token) return token.error();
  notifier_.welcome(created, *token);
  obs::info(Category::kDatabase, "New user registered: ID {}", created.id);
  return ok();
}

Result<TokenPair> AuthService::start_session(const store::User& user, const ClientInfo& client,
                                             bool second_factor) {
  store::NewSession ns;
  ns.user_id = user.id;
  ns.refresh_jti = TokenIssuer::new_jti();
  ns.expires_at = tokens_.now() + tokens_.refresh_lifetime();
  ns.ip = client.ip;
  ns.user_agent = client.user_agent;  // valid UTF-8 of at most 255 bytes (api/auth_routes.cpp)
  ns.require_mfa_enabled = second_factor;
  ns.record_sign_in_at = tokens_.now();  // last_login_at and failure counters, same commit
  // The sign-in's event goes in the session's own statement: one round trip, not a
  // transaction of four (docs/decisions.md "Write path of a sign-in").
  ns.id = new_time_ordered_uuid();
  AuditEntry e = AuditEntry::about_user(audit_action::kUserLogin, user.id);
  e.actor_id = user.id;
  e.details["method"] = second_factor ? "password+totp" : "password";
  e.details["session_id"] = ns.id;
  ns.sign_in_event = audit_.event_for(e);
  auto session = db_.sessions().create(ns);
  if (!session) return session.error();
  const std::string& session_id = session->id;
  auto access = tokens_.access(user, session_id);
  if (!access) return access.error();
  auto refresh = tokens_.refresh(user, session_id, ns.refresh_jti);
  if (!refresh) return refresh.error();
  return TokenPair{*access, *refresh};
}

bool AuthService::locked(const store::User& user) const {
  return user.locked_until && *user.locked_until > tokens_.now();
}

void AuthService::count_failed_login(const store::User& user, std::string_view reason,
                                     std::optional<store::Timestamp> longer) {
  const auto now = tokens_.now();
  const auto lock_until =
      longer.value_or(now + std::chrono::minutes(settings_.auth.lockout_minutes));
  std::optional<store::User> row;
  const auto count = [&]() -> Status {
    row.reset();
    auto after =
        db_.users().record_failed_login(user.id, settings_.auth.lockout_threshold, lock_until);
    if (!after) return after.error();
    if (*after) row = std::move(**after);
    if (longer) {
      auto extended = db_.mfa().extend_lock(user.id, *longer);
      if (!extended) return extended.error();
      if (*extended) row = std::move(**extended);
    }
    return ok();
  };
  const auto locked_now = [&] {
    return row && row->locked_until && *row->locked_until > now &&
           row->locked_until != user.locked_until;
  };
  Status stored = audit_.atomically([&]() -> Status {
    if (Status s = count(); !s) return s;
    if (Status s = record_login_failure(user.id, user.email, reason); !s) return s;
    if (!locked_now()) return ok();
    AuditEntry e = AuditEntry::about_user(audit_action::kUserLocked, user.id);
    e.details["until"] = store::format_iso8601(*row->locked_until);
    e.details["failed_logins"] = row->failed_logins;
    return audit_.record(e);
  });
  if (!stored) {
    // The lockout must not depend on the audit log: a failure to store the event (a client
    // could try to provoke one) still counts the attempt, without it.
    obs::error(Category::kAuth, "Failed login of ID {} not recorded in the audit log: {}", user.id,
               stored.error().cause);
    if (Status counted = count(); !counted) {
      obs::error(Category::kAuth, "Failed login of ID {} not counted: {}", user.id,
                 counted.error().cause);
      return;
    }
  }
  if (locked_now()) {
    notifier_.account_locked(*row);
    obs::warning(Category::kAuth, "Account ID {} locked after repeated failed logins", user.id);
  }
}

void AuthService::count_failed_second_factor(const store::User& user) {
  const int threshold = settings_.auth.lockout_threshold;
  std::optional<store::Timestamp> longer;
  auto failures = db_.mfa().count_second_factor_failure(user.id);
  if (failures && *failures && threshold > 0 && **failures % threshold == 0 &&
      **failures / threshold >= 2) {
    // The k-th lock of the run lasts 2^(k-1) times LOCKOUT_MINUTES.
    const int k = **failures / threshold;
    std::chrono::minutes minutes(settings_.auth.lockout_minutes);
    for (int i = 1; i < k && minutes < kMaxSecondFactorLock; ++i) minutes *= 2;
    longer = tokens_.now() + std::min<std::chrono::minutes>(minutes, kMaxSecondFactorLock);
  }
  count_failed_login(user, "invalid_mfa_code", longer);
}

Status AuthService::record_login_failure(std::optional<std::int64_t> id, const std::string& email,
                                         std::string_view reason) {
  AuditEntry e = id ? AuditEntry::about_user(audit_action::kUserLogin, *id) : AuditEntry{};
  e.action = audit_action::kUserLogin;
  e.success = false;  // the actor is whoever the request authenticated as: none for /login/
  e.details["reason"] = reason;
  e.details["email"] = email;
  return audit_.record(e);
}

Result<LoginResult> AuthService::login(const std::string& email, const std::string& password,
                                       const ClientInfo& client,
                                       HashPool::Clock::time_point* not_before) {
  auto found = db_.users().find_by_email(email);
  if (!found) return found.error();
  HashPool::Clock::time_point verify_started;
  if (!*found) {
    if (Status s = hashes_.verify_dummy(password, &verify_started); !s) return s.error();
    if (not_before) *not_before = hashes_.failure_deadline(verify_started);
    // The same writes as a wrong password (the failure count, on an id that never exists,
    // and the event) in one transaction: the database work after the hash does not tell the
    // two apart either, audit log on or off.
    (void)audit_.atomically([&]() -> Status {
      auto none =
          db_.users().record_failed_login(0, settings_.auth.lockout_threshold, tokens_.now());
      if (!none) return none.error();
      return record_login_failure(std::nullopt, email, "unknown_email");
    });
    obs::info(Category::kAuth, "Failed login attempt (user not found)");
    obs::count_login_attempt("not_found");
    return wrong_credentials();
  }
  store::User user = **found;
  const auto now = tokens_.now();
  auto matched = hashes_.verify(password, user.password_hash, &verify_started);
  if (!matched) return matched.error();
  // Whatever fails from here (wrong, locked, banned) answers no earlier than an unknown email.
  if (not_before) *not_before = hashes_.failure_deadline(verify_started);
  if (user.locked_until && *user.locked_until > now) {
    (void)record_login_failure(user.id, user.email, "locked");
    obs::info(Category::kAuth, "Failed login attempt for ID {} (locked)", user.id);
    obs::count_login_attempt("locked");
    return wrong_credentials();
  }
  if (!*matched) {
    count_failed_login(user, "invalid_password");
    obs::info(Category::kAuth, "Failed login attempt for ID {} (invalid password)", user.id);
    obs::count_login_attempt("invalid_password");
    return wrong_credentials();
  }
  if (currently_banned(user)) {
    (void)record_login_failure(user.id, user.email, "banned");
    obs::info(Category::kAuth, "Failed login attempt for ID {} (user banned)", user.id);
    obs::count_login_attempt("banned");
    return wrong_credentials();
  }
  if (!user.verified) {
    (void)record_login_failure(user.id, user.email, "not_verified");
    obs::count_login_attempt("not_verified");
    return Error::of(ErrorCode::kEmailNotVerified, kNotVerified);
  }
  if (hashes_.hasher().needs_rehash(user.password_hash)) {
    // Outdated algorithm or cost: upgrade transparently while we know the password, unless the
    // password changed meanwhile (then the stored hash is newer than what we verified).
    if (auto rehashed = hashes_.hash(password)) {
      store::PasswordUpdate upgrade;
      upgrade.hash = std::move(*rehashed);
      upgrade.expected_hash = user.password_hash;
      if (auto updated = db_.users().set_password(user.id, upgrade); updated && *updated) {
        user = std::move(**updated);
      }
    }
  }
  if (user.mfa_enabled) {
    // Bound to the user as it is now (after any rehash): see TokenIssuer::mfa.
    auto mfa_token = tokens_.mfa(user);
    if (!mfa_token) return mfa_token.error();
    obs::info(Category::kAuth, "Password accepted for ID {}; second factor required", user.id);
    obs::count_login_attempt("mfa_required");
    LoginResult out;
    out.mfa_token = std::move(*mfa_token);
    return out;
  }
  obs::info(Category::kAuth, "User logged in: ID {}", user.id);
  obs::count_login_attempt("success");
  auto pair = start_session(user, client, /*second_factor=*/false);
  if (!pair) return pair.error();
  return LoginResult{std::move(*pair), {}};
}

Error AuthService::wrong_mfa_code(const store::User& user, const crypto::Claims& claims) {
  auto failures = db_.mfa().record_challenge_failure(
      claims.jti, user.id, store::Timestamp(std::chrono::seconds(claims.exp)), kMfaTokenAttempts);
  if (!failures) return failures.error();
  // Spent already (its last attempt or a success went first): the token is what is wrong.
  if (!*failures) return refused("invalid_token", kMfaToken);
  count_failed_second_factor(user);
  obs::info(Category::kAuth, "Failed second factor for ID {} (attempt {} of this sign-in)", user.id,
            **failures);
  obs::count_login_attempt("invalid_mfa_code");
  return Error::of(ErrorCode::kInvalidMfaCode, kInvalidMfaCode);
}

Result<TokenPair> AuthService::login_mfa(const std::string& mfa_token, const std::string& code,
                                         const ClientInfo& client) {
  auto claims = tokens_.decode(mfa_token, TokenType::kMfa);
  if (!claims) return undecodable(claims.error(), kMfaToken);
  auto found = user_from_claims(*claims, kMfaToken);
  if (!found) return found.error();
  const store::User& user = *found;
  if (currently_banned(user)) return refused("banned_user", kMfaToken);
  if (!user.verified) return refused("unverified_user", kMfaToken);
  // Password, email, token cut-off or TOTP changed since the password was checked.
  if (!user.mfa_enabled || !tokens_.still_bound(*claims, user)) {
    return refused("invalid_token", kMfaToken);
  }
  if (locked(user)) {
    (void)record_login_failure(user.id, user.email, "locked");
    obs::info(Category::kAuth, "Failed second factor for ID {} (locked)", user.id);
    obs::count_login_attempt("locked");
    return Error::of(ErrorCode::kInvalidMfaCode, kInvalidMfaCode);
  }
  auto matched = second_factor_.match(user, code, /*allow_recovery=*/true);
  if (!matched) return matched.error();
  if (!*matched) return wrong_mfa_code(user, *claims);
  if (matched->kind == CodeMatch::Kind::kTotp) {
    // The replay guard first: when it cannot be reached the code is refused (503) and the
    // token stays usable. A code seen before (a replay, or the same code twice within its
    // step) is a wrong code.
    auto fresh = second_factor_.spend(user, *matched);
    if (!fresh) return fresh.error();
    if (!*fresh) return wrong_mfa_code(user, *claims);
  }
  // A token whose wrong codes used it up is refused; of two requests racing with one token,
  // one goes on (the replay guard spends it, so a success writes no challenge row).
  auto exhausted = db_.mfa().challenge_spent(claims->jti);
  if (!exhausted) return exhausted.error();
  if (*exhausted) return refused("invalid_token", kMfaToken);
  auto spent =
      second_factor_.spend_token(claims->jti, store::Timestamp(std::chrono::seconds(claims->exp)));
  if (!spent) return spent.error();
  if (!*spent) return refused("invalid_token", kMfaToken);
  int remaining = 0;
  if (matched->kind == CodeMatch::Kind::kRecovery) {
    std::optional<bool> fresh;
    Status spent_code = audit_.atomically([&]() -> Status {
      auto spent_now = second_factor_.spend(user, *matched, &remaining);
      if (!spent_now) return spent_now.error();
      fresh = *spent_now;
      if (!*fresh) return ok();
      AuditEntry e = AuditEntry::about_user(audit_action::kRecoveryCodeUsed, user.id);
      e.actor_id = user.id;
      e.details["remaining"] = remaining;
      return audit_.record(e);
    });
    if (!spent_code) return spent_code.error();
    if (!*fresh) {
      // Used by a concurrent request since it was matched: that one won.
      count_failed_second_factor(user);
      obs::count_login_attempt("invalid_mfa_code");
      return Error::of(ErrorCode::kInvalidMfaCode, kInvalidMfaCode);
    }
  }
  if (matched->kind == CodeMatch::Kind::kRecovery) {
    notifier_.mfa_recovery_code_used(user, remaining);
    obs::warning(Category::kAuth, "User ID {} signed in with a recovery code ({} left)", user.id,
                 remaining);
  }
  obs::info(Category::kAuth, "User logged in with a second factor: ID {}", user.id);
  obs::count_login_attempt("success");
  return start_session(user, client, /*second_factor=*/true);
}

Result<store::User> AuthService::user_from_claims(const crypto::Claims& claims,
                                                  std::string_view method) {
  const auto id = parse_user_id(claims.sub);
  if (!id) return refused("invalid_token", method);
  auto found = db_.users().find_by_id(*id);
  if (!found) return found.error();
  if (!*found) return refused("user_not_found", method);
  return **found;
}

Result<TokenPair> AuthService::refresh(const std::string& refresh_token) {
  auto claims = tokens_.decode(refresh_token, TokenType::kRefresh);
  if (!claims) return undecodable(claims.error(), kRefreshToken);
  auto session = db_.sessions().find(claims->sid);
  if (!session) return session.error();
  if (!*session || (*session)->revoked_at) return refused("invalid_token", kRefreshToken);
  auto user = user_from_claims(*claims, kRefreshToken);
  if (!user) return user.error();
  // The same user checks as an access token's: a refresh must not mint tokens that would be
  // refused on first use (an unverified address after an email change, a ban).
  if (currently_banned(*user)) return refused("banned_user", kRefreshToken);
  if (!user->verified) return refused("unverified_user", kRefreshToken);
  if (std::to_string(user->id) != claims->sub || (*session)->user_id != user->id) {
    return refused("invalid_token", kRefreshToken);
  }
  if (user->tokens_valid_after && claims->iat < unix_seconds(*user->tokens_valid_after)) {
    return refused("invalid_token", kRefreshToken);
  }
  const std::string next_jti = TokenIssuer::new_jti();
  auto rotated = db_.sessions().rotate(claims->sid, claims->jti, next_jti, tokens_.now());
  if (!rotated) return rotated.error();
  if (!*rotated) {
    // A spent refresh token came back: someone holds a copy. End the whole session, with
    // its event, or without it when the event cannot be stored.
    Status ended = audit_.atomically([&]() -> Status {
      auto revoked = db_.sessions().revoke(claims->sid, "reuse", tokens_.now());
      if (!revoked) return revoked.error();
      AuditEntry e = AuditEntry::about_user(audit_action::kRefreshReuse, user->id);
      e.target_type = "session";
      e.target_id = claims->sid;
      return audit_.record(e);
    });
    if (!ended) (void)db_.sessions().revoke(claims->sid, "reuse", tokens_.now());
    obs::warning(Category::kAuth, "Refresh token reuse detected for user ID {}; session revoked",
                 user->id);
    obs::count_auth_failure("invalid_token", kRefreshToken);
    return Error::of(ErrorCode::kRefreshTokenReused, kInvalidToken);
  }
  auto access = tokens_.access(*user, claims->sid);
  if (!access) return access.error();
  auto refresh = tokens_.refresh(*user, claims->sid, next_jti);
  if (!refresh) return refresh.error();
  obs::info(Category::kAuth, "Token refreshed for user {}", user->id);
  return TokenPair{*access, *refresh};
}

Status AuthService::revoke_session(const std::string& sid, const std::string& reason) {
  auto revoked = db_.sessions().revoke(sid, reason, tokens_.now());
  if (!revoked) return revoked.error();
  return ok();
}

Status AuthService::logout(const Principal& p) {
  if (p.session_id.empty()) return ok();
  return audit_.atomically([&]() -> Status {
    if (Status s = revoke_session(p.session_id, "logout"); !s) return s;
    AuditEntry e = AuditEntry::about_user(audit_action::kUserLogout, p.user.id);
    e.details["session_id"] = p.session_id;
    return audit_.record(e);
  });
}

Status AuthService::revoke_sessions(std::int64_t user_id, const std::string& keep,
                                    const std::string& reason) {
  auto revoked = db_.sessions().revoke_all(user_id, keep, reason, tokens_.now());
  if (!revoked) return revoked.error();
  return ok();
}

Status AuthService::logout_all(const Principal& p) {
  return audit_.atomically([&]() -> Status {
    if (Status s = revoke_sessions(p.user.id, "", "logout_all"); !s) return s;
    auto cut = db_.users().cut_tokens(p.user.id, tokens_.now());
    if (!cut) return cut.error();
    AuditEntry e = AuditEntry::about_user(audit_action::kUserLogout, p.user.id);
    e.details["all"] = true;
    return audit_.record(e);
  });
}

Status AuthService::verify_email(const std::string& code) {
  auto claims = tokens_.decode(code, TokenType::kVerify);
  if (!claims) return undecodable(claims.error(), kVerifyEmail);
  auto user = user_from_claims(*claims, kVerifyEmail);
  if (!user) return user.error();
  if (currently_banned(*user)) return refused("banned_user", kVerifyEmail);
  if (user->verified) return refused("already_verified", kVerifyEmail);
  // A link verifies only the address it was sent to (a later email change kills it).
  if (!tokens_.still_bound(*claims, *user)) return refused("invalid_token", kVerifyEmail);
  Status stored = audit_.atomically([&]() -> Status {
    auto spent = db_.used_tokens().consume(claims->jti, "verify",
                                           store::Timestamp(std::chrono::seconds(claims->exp)));
    if (!spent) return spent.error();
    if (!*spent) return refused("invalid_token", kVerifyEmail);
    // Conditional on the address again, in the write itself: an email change that lands
    // between the read above and here wins.
    auto verified = db_.users().set_verified(user->id, user->email);
    if (!verified) return verified.error();
    if (!*verified) return refused("invalid_token", kVerifyEmail);
    AuditEntry e = AuditEntry::about_user(audit_action::kUserVerified, user->id);
    e.actor_id = user->id;
    e.details["email"] = user->email;
    return audit_.record(e);
  });
  if (!stored) return stored;
  obs::info(Category::kAuth, "User {} successfully verified", user->id);
  return ok();
}

void AuthService::resend_verification(const std::string& email) {
  auto found = db_.users().find_by_email(email);
  if (!found || !*found) return;
  const store::User& u = **found;
  if (u.verified || currently_banned(u)) return;
  if (auto token = tokens_.verify(u)) notifier_.welcome(u, *token);
}

void AuthService::forgot_password(const std::string& email) {
  auto found = db_.users().find_by_email(email);
  if (!found || !*found) {
    obs::info(Category::kAuth, "Password reset requested for an unknown email");
    return;
  }
  const store::User& u = **found;
  if (currently_banned(u)) return;
  if (auto token = tokens_.reset(u)) {
    notifier_.password_reset(u, *token);
    obs::info(Category::kAuth, "Password reset token created for user {}", u.id);
  }
}

Result<store::User> AuthService::check_reset_code(const std::string& code) {
  auto checked = decode_reset_code(code);
  if (!checked) return checked.error();
  return std::move(checked->user);
}

Result<AuthService::ResetCode> AuthService::decode_reset_code(const std::string& code) {
  auto claims = tokens_.decode(code, TokenType::kReset);
  if (!claims) return undecodable(claims.error(), kPasswordReset);
  const auto id = parse_user_id(claims->sub);
  if (!id) return refused("invalid_token", kPasswordReset);
  auto found = db_.users().find_by_id(*id);
  if (!found) return found.error();
  if (!*found) {
    obs::count_auth_failure("user_not_found", kPasswordReset);
    return Error::of(ErrorCode::kUserNotFound, "User not Found");
  }
  const store::User& u = **found;
  if (currently_banned(u)) return refused("banned_user", kPasswordReset);
  // A password or email change since the email was sent kills the link.
  if (!tokens_.still_bound(*claims, u)) return refused("invalid_token", kPasswordReset);
  return ResetCode{u, std::move(*claims)};
}

Status AuthService::reset_password(const std::string& code, const std::string& new_password) {
  auto checked = decode_reset_code(code);
  if (!checked) return checked.error();
  if (Status s = check_new_password("new_password", new_password, checked->user.email); !s) {
    return s;
  }
  const crypto::Claims& claims = checked->claims;
  auto spent = db_.used_tokens().consume(claims.jti, "reset",
                                         store::Timestamp(std::chrono::seconds(claims.exp)));
  if (!spent) return spent.error();
  if (!*spent) return refused("invalid_token", kPasswordReset);
  auto hashed = hashes_.hash(new_password);
  if (!hashed) return hashed.error();
  const store::User& u = checked->user;
  store::PasswordUpdate reset;
  reset.hash = std::move(*hashed);
  // The link was checked against this hash: a password change meanwhile wins.
  reset.expected_hash = u.password_hash;
  reset.tokens_valid_after = tokens_.now();
  reset.clear_lockout = true;
  std::optional<store::User> updated;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().set_password(u.id, reset);
    if (!row) return row.error();
    if (!*row) return refused("invalid_token", kPasswordReset);
    updated = std::move(**row);
    AuditEntry e = AuditEntry::about_user(audit_action::kPasswordReset, u.id);
    e.actor_id = u.id;
    return audit_.record(e);
  });
  if (!stored) return stored;
  if (Status s = revoke_sessions(u.id, "", "password_reset"); !s) return s;
  notifier_.password_changed(*updated);
  obs::info(Category::kDatabase, "Password reset for user ID {}", u.id);
  return ok();
}

Result<Principal> AuthService::authenticate_bearer(const std::string& token) {
  auto claims = tokens_.decode(token, TokenType::kAccess);
  if (!claims) return undecodable(claims.error(), kJwt);
  const auto id = parse_user_id(claims->sub);
  if (!id) return refused("invalid_token", kJwt);
  // One read for the user and its session: the session row decides, on every instance, so a
  // revocation holds from the next request on. (A Redis revocation list in front of it would
  // cost a round trip per request and decide nothing: this read is needed for the user.)
  auto found = db_.users().find_with_session(*id, claims->sid);
  if (!found) return found.error();
  if (!*found) return refused("user_not_found", kJwt);
  if (!(*found)->session_live) return refused("invalid_token", kJwt);
  store::User& user = (*found)->user;
  if (currently_banned(user)) return refused("banned_user", kJwt);
  if (!user.verified) return refused("unverified_user", kJwt);
  if (user.tokens_valid_after && claims->iat < unix_seconds(*user.tokens_valid_after)) {
    return refused("invalid_token", kJwt);
  }
  Principal p;
  p.user = std::move(user);
  p.session_id = claims->sid;
  return p;
}

}  // namespace gatehouse::services
