#include "services/user_service.hpp"

#include <boost/json/array.hpp>

#include "observability/log.hpp"
#include "services/user_rules.hpp"
#include "store/record_rules.hpp"

namespace gatehouse::services {

namespace {
using obs::Category;
namespace action = audit_action;

AuditEntry user_event(std::string_view name, std::int64_t id) {
  return AuditEntry::about_user(name, id);
}

}  // namespace

UserService::UserService(store::Database& db, AuthService& auth, HashPool& hashes,
                         Notifier& notifier, AuditLog& audit)
    : db_(db), auth_(auth), hashes_(hashes), notifier_(notifier), audit_(audit) {}

Result<store::User> UserService::require(std::int64_t id) {
  auto found = db_.users().find_by_id(id);
  if (!found) return found.error();
  if (!*found) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
  return **found;
}

Result<store::User> UserService::get(std::int64_t id) { return require(id); }

Result<UsersPage> UserService::list(int page, int size) {
  auto total = db_.users().count();
  if (!total) return total.error();
  auto items = db_.users().list(static_cast<std::int64_t>(page - 1) * size, size);
  if (!items) return items.error();
  return UsersPage{std::move(*items), *total, page, size};
}

Result<std::vector<store::User>> UserService::list_after(std::int64_t after_id, int size) {
  return db_.users().list_after(after_id, size);
}

Result<store::User> UserService::create(const NewUserInput& in) {
  auto existing = db_.users().find_by_email(in.email);
  if (!existing) return existing.error();
  if (*existing) return Error::of(ErrorCode::kEmailTaken, store::kUserEmailTaken);
  if (in.check_policy) {
    if (auto problem = auth_.password_problem(in.password, in.email)) {
      return Error::validation_message(*problem);
    }
  }
  auto hashed = hashes_.hash(in.password);
  if (!hashed) return hashed.error();
  store::NewUser nu;
  nu.email = in.email;
  nu.password_hash = std::move(*hashed);
  nu.first_name = in.first_name;
  nu.last_name = in.last_name;
  nu.role = in.admin ? store::kRoleAdmin : store::kRoleUser;
  nu.verified = true;
  // A concurrent creation of the same address still ends as the store's kEmailTaken.
  store::User created;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().create(nu);
    if (!row) return row.error();
    created = std::move(*row);
    AuditEntry e = user_event(action::kUserRegistered, created.id);
    e.details["by"] = "operator";
    e.details["role"] = created.role;
    return audit_.record(e);
  });
  if (!stored) return stored.error();
  obs::info(Category::kDatabase, "User added by an operator: ID {}", created.id);
  return created;
}

Result<UsersPage> UserService::search(const store::UserSearch& q, int page, int size) {
  auto total = db_.users().count_search(q);
  if (!total) return total.error();
  auto items = db_.users().search(q, static_cast<std::int64_t>(page - 1) * size, size);
  if (!items) return items.error();
  return UsersPage{std::move(*items), *total, page, size};
}

Result<store::PasswordUpdate> UserService::password_update(
    const Principal& actor, const store::User& user, const std::string& password,
    const std::optional<std::string>& current_password, const std::string& email) {
  if (Status s = auth_.check_new_password("password", password, email); !s) return s.error();
  store::PasswordUpdate out;
  if (actor.user.id == user.id) {
    if (!current_password || current_password->empty()) {
      return Error::of(ErrorCode::kCurrentPasswordRequired, kCurrentPasswordRequired);
    }
    auto matched = hashes_.verify(*current_password, user.password_hash);
    if (!matched) return matched.error();
    if (!*matched)
      return Error::of(ErrorCode::kCurrentPasswordIncorrect, kCurrentPasswordIncorrect);
    // The check above holds only for the hash it read: the write must find it still stored.
    out.expected_hash = user.password_hash;
  } else {
    out.tokens_valid_after = auth_.tokens().now();
  }
  auto hashed = hashes_.hash(password);
  if (!hashed) return hashed.error();
  out.hash = std::move(*hashed);
  return out;
}

Result<store::User> UserService::update(const Principal& actor, std::int64_t id,
                                        const UserUpdate& in) {
  auto user = require(id);
  if (!user) return user;
  const std::string old_email = user->email;
  store::ProfileUpdate profile{in.email, in.first_name, in.last_name, std::nullopt};
  if (in.password && !in.password->empty()) {
    auto pw = password_update(actor, *user, *in.password, in.current_password, in.email);
    if (!pw) return pw.error();
    profile.password = std::move(*pw);
  }
  // One statement writes only these columns, so a ban, a role change or a lockout that lands
  // while the password is being hashed stays (and an email change unverifies in the same write).
  std::optional<store::User> updated;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().update_profile(id, profile);
    if (!row) return row.error();
    if (!*row) return lost_race(actor, id, profile.password.has_value());
    updated = std::move(**row);
    return record_update(*user, *updated, profile.password.has_value());
  });
  if (!stored) return stored.error();
  if (profile.password) {
    const bool own = actor.user.id == id;
    (void)auth_.revoke_sessions(id, own ? actor.session_id : "", "password_change");
    notifier_.password_changed(*updated);
  }
  if (updated->email != old_email) {
    if (auto token = auth_.tokens().verify(*updated)) {
      notifier_.email_changed(*updated, old_email, *token);
    }
  }
  obs::info(Category::kDatabase, "User updated: ID {}", id);
  return std::move(*updated);
}

Status UserService::change_password(const Principal& actor, std::int64_t id,
                                    const std::string& password,
                                    const std::optional<std::string>& current_password) {
  auto user = require(id);
  if (!user) return user.error();
  auto pw = password_update(actor, *user, password, current_password, user->email);
  if (!pw) return pw.error();
  std::optional<store::User> updated;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().set_password(id, *pw);
    if (!row) return row.error();
    if (!*row) return lost_race(actor, id, true);
    updated = std::move(**row);
    return audit_.record(user_event(action::kPasswordChanged, id));
  });
  if (!stored) return stored;
  const bool own = actor.user.id == id;
  if (Status s = auth_.revoke_sessions(id, own ? actor.session_id : "", "password_change"); !s) {
    return s;
  }
  notifier_.password_changed(*updated);
  obs::info(Category::kDatabase, "Password changed for user ID {}", id);
  return ok();
}

Error UserService::lost_race(const Principal& actor, std::int64_t id, bool password) {
  // The user was deleted meanwhile, or (one's own change) the password changed after the
  // current one was checked: the check no longer holds, so nothing was written.
  if (password && actor.user.id == id)
    return Error::of(ErrorCode::kCurrentPasswordIncorrect, kCurrentPasswordIncorrect);
  return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
}

Status UserService::make_admin(std::int64_t id) {
  if (Status s = set_role(id, store::kRoleAdmin); !s) return s;
  obs::info(Category::kDatabase, "User role changed to admin: ID {}", id);
  return ok();
}

Status UserService::remove_admin(std::int64_t id) {
  if (Status s = set_role(id, store::kRoleUser); !s) return s;
  obs::info(Category::kDatabase, "User role changed to user: ID {}", id);
  return ok();
}

Status UserService::set_role(std::int64_t id, const char* role) {
  return audit_.atomically([&]() -> Status {
    auto before = require(id);
    if (!before) return before.error();
    auto changed = db_.users().set_role_unless_last_admin(id, role);
    if (!changed) return changed.error();
    if (!*changed) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    if (before->role == role) return ok();  // nothing changed, nothing to record
    AuditEntry e = user_event(action::kRoleChanged, id);
    e.details["from"] = before->role;
    e.details["to"] = role;
    return audit_.record(e);
  });
}

Status UserService::record_update(const store::User& before, const store::User& after,
                                  bool password) {
  boost::json::array fields;
  if (before.email != after.email) fields.emplace_back("email");
  if (before.first_name != after.first_name) fields.emplace_back("first_name");
  if (before.last_name != after.last_name) fields.emplace_back("last_name");
  if (password) fields.emplace_back("password");
  if (fields.empty()) return ok();  // the same values again: no change, no event
  AuditEntry updated = user_event(action::kUserUpdated, after.id);
  updated.details["fields"] = fields;
  if (Status s = audit_.record(updated); !s) return s;
  if (before.email != after.email) {
    AuditEntry e = user_event(action::kEmailChanged, after.id);
    e.details["previous_email"] = before.email;
    e.details["email"] = after.email;
    if (Status s = audit_.record(e); !s) return s;
  }
  if (password) return audit_.record(user_event(action::kPasswordChanged, after.id));
  return ok();
}

Status UserService::ban(const Principal& actor, std::int64_t id, const BanInput& in) {
  if (actor.user.id == id) return Error::of(ErrorCode::kBanState, "You cannot ban/unban yourself!");
  auto user = require(id);
  if (!user) return user.error();
  const auto now = auth_.tokens().now();
  if (banned_at(*user, now)) return Error::of(ErrorCode::kBanState, kAlreadyInBanState);
  std::optional<store::User> updated;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().set_ban(id, {true, in.until, in.reason, now});
    if (!row) return row.error();
    if (!*row) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    updated = std::move(**row);
    AuditEntry e = user_event(action::kUserBanned, id);
    if (in.reason) e.details["reason"] = *in.reason;
    if (in.until) e.details["until"] = store::format_iso8601(*in.until);
    return audit_.record(e);
  });
  if (!stored) return stored;
  if (Status s = auth_.revoke_sessions(id, "", "banned"); !s) return s;
  notifier_.banned(*updated);
  obs::info(Category::kDatabase, "User banned: ID {}", id);
  return ok();
}

Status UserService::unban(const Principal& actor, std::int64_t id) {
  if (actor.user.id == id) return Error::of(ErrorCode::kBanState, "You cannot ban/unban yourself!");
  auto user = require(id);
  if (!user) return user.error();
  if (!banned_at(*user, auth_.tokens().now())) {
    return Error::of(ErrorCode::kBanState, kAlreadyInBanState);
  }
  std::optional<store::User> updated;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.users().set_ban(id, {false, std::nullopt, std::nullopt, std::nullopt});
    if (!row) return row.error();
    if (!*row) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    updated = std::move(**row);
    return audit_.record(user_event(action::kUserUnbanned, id));
  });
  if (!stored) return stored;
  notifier_.unbanned(*updated);
  obs::info(Category::kDatabase, "User unbanned: ID {}", id);
  return ok();
}

Status UserService::remove(std::int64_t id) {
  Status removed = audit_.atomically([&]() -> Status {
    auto user = require(id);
    if (!user) return user.error();
    auto gone = db_.users().remove_unless_last_admin(id);
    if (!gone) return gone.error();
    if (!*gone) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    AuditEntry e = user_event(action::kUserDeleted, id);
    e.details["email"] = user->email;
    return audit_.record(e);
  });
  if (!removed) return removed;
  obs::info(Category::kDatabase, "User deleted: ID {}", id);
  return ok();
}

Status UserService::unlock(std::int64_t id) {
  return audit_.atomically([&]() -> Status {
    auto cleared = db_.users().clear_lockout(id);
    if (!cleared) return cleared.error();
    if (!*cleared) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    return audit_.record(user_event(action::kUserUnlocked, id));
  });
}

Status UserService::verify(std::int64_t id) {
  Status stored = audit_.atomically([&]() -> Status {
    auto verified = db_.users().set_verified(id, std::nullopt);
    if (!verified) return verified.error();
    if (!*verified) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    AuditEntry e = user_event(action::kUserVerified, id);
    e.details["by"] = "operator";
    return audit_.record(e);
  });
  if (!stored) return stored;
  obs::info(Category::kAuth, "User {} verified by an operator", id);
  return ok();
}

Result<std::vector<store::Session>> UserService::sessions(std::int64_t user_id) {
  return db_.sessions().list_active(user_id, auth_.tokens().now());
}

Status UserService::revoke_session(std::int64_t user_id, const std::string& session_id) {
  auto s = db_.sessions().find(session_id);
  if (!s) return s.error();
  if (!*s || (*s)->user_id != user_id || (*s)->revoked_at) {
    return Error::of(ErrorCode::kSessionNotFound, "Session not found");
  }
  return audit_.atomically([&]() -> Status {
    if (Status revoked = auth_.revoke_session(session_id, "revoked"); !revoked) return revoked;
    AuditEntry e;
    e.action = action::kSessionRevoked;
    e.target_type = "session";
    e.target_id = session_id;
    e.subject_user_id = user_id;
    return audit_.record(e);
  });
}

Status UserService::revoke_all_sessions(std::int64_t user_id) {
  return audit_.atomically([&]() -> Status {
    auto cut = db_.users().cut_tokens(user_id, auth_.tokens().now());
    if (!cut) return cut.error();
    if (!*cut) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    if (Status revoked = auth_.revoke_sessions(user_id, "", "admin"); !revoked) return revoked;
    AuditEntry e = user_event(action::kSessionRevoked, user_id);
    e.details["all"] = true;
    return audit_.record(e);
  });
}

}  // namespace gatehouse::services
