#include "services/user_service.hpp"

#include "observability/log.hpp"
#include "services/user_rules.hpp"

namespace gatehouse::services {

namespace {
using obs::Category;
}

UserService::UserService(store::Database& db, AuthService& auth, HashPool& hashes,
                         Notifier& notifier)
    : db_(db), auth_(auth), hashes_(hashes), notifier_(notifier) {}

Result<store::User> UserService::require(std::int64_t id) {
  auto found = db_.users().find_by_id(id);
  if (!found) return found.error();
  if (!*found) return Error::not_found(kNoSuchUser);
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

Result<UsersPage> UserService::search(const store::UserSearch& q, int page, int size) {
  auto total = db_.users().count_search(q);
  if (!total) return total.error();
  auto items = db_.users().search(q, static_cast<std::int64_t>(page - 1) * size, size);
  if (!items) return items.error();
  return UsersPage{std::move(*items), *total, page, size};
}

Status UserService::set_password(const Principal& actor, store::User& user,
                                 const std::string& password,
                                 const std::optional<std::string>& current_password) {
  const bool own = actor.user.id == user.id;
  if (own) {
    if (!current_password || current_password->empty()) {
      return Error::bad_request("Current password is required");
    }
    auto matched = hashes_.verify(*current_password, user.password_hash);
    if (!matched) return matched.error();
    if (!*matched) return Error::bad_request("Current password is incorrect");
  }
  auto hashed = hashes_.hash(password);
  if (!hashed) return hashed.error();
  user.password_hash = *hashed;
  if (!own) user.tokens_valid_after = auth_.tokens().now();
  return ok();
}

Result<store::User> UserService::update(const Principal& actor, std::int64_t id,
                                        const UserUpdate& in) {
  auto user = require(id);
  if (!user) return user;
  store::User u = *user;
  const std::string old_email = u.email;
  const bool password_change = in.password && !in.password->empty();
  if (password_change) {
    if (Status s = set_password(actor, u, *in.password, in.current_password); !s) return s.error();
  }
  const bool email_change = in.email != old_email;
  u.email = in.email;
  u.first_name = in.first_name;
  u.last_name = in.last_name;
  if (email_change) u.verified = false;
  auto updated = db_.users().update(u);
  if (!updated) return updated;
  if (password_change) {
    const bool own = actor.user.id == id;
    (void)auth_.revoke_sessions(id, own ? actor.session_id : "", "password_change");
    notifier_.password_changed(*updated);
  }
  if (email_change) {
    if (auto token = auth_.tokens().verify(*updated)) {
      notifier_.email_changed(*updated, old_email, *token);
    }
  }
  obs::info(Category::kDatabase, "User updated: ID {}", id);
  return updated;
}

Status UserService::change_password(const Principal& actor, std::int64_t id,
                                    const std::string& password,
                                    const std::optional<std::string>& current_password) {
  auto user = require(id);
  if (!user) return user.error();
  store::User u = *user;
  if (Status s = set_password(actor, u, password, current_password); !s) return s;
  auto updated = db_.users().update(u);
  if (!updated) return updated.error();
  const bool own = actor.user.id == id;
  if (Status s = auth_.revoke_sessions(id, own ? actor.session_id : "", "password_change"); !s) {
    return s;
  }
  notifier_.password_changed(*updated);
  obs::info(Category::kDatabase, "Password changed for user ID {}", id);
  return ok();
}

Status UserService::make_admin(std::int64_t id) {
  auto changed = db_.users().set_role_unless_last_admin(id, store::kRoleAdmin);
  if (!changed) return changed.error();
  if (!*changed) return Error::not_found(kNoSuchUser);
  obs::info(Category::kDatabase, "User role changed to admin: ID {}", id);
  return ok();
}

Status UserService::remove_admin(std::int64_t id) {
  auto changed = db_.users().set_role_unless_last_admin(id, store::kRoleUser);
  if (!changed) return changed.error();
  if (!*changed) return Error::not_found(kNoSuchUser);
  obs::info(Category::kDatabase, "User role changed to user: ID {}", id);
  return ok();
}

Status UserService::ban(const Principal& actor, std::int64_t id, const BanInput& in) {
  if (actor.user.id == id) return Error::bad_request("You cannot ban/unban yourself!");
  auto user = require(id);
  if (!user) return user.error();
  const auto now = auth_.tokens().now();
  const bool active = banned_at(*user, now);
  if (active) return Error::bad_request("This User is already banned");
  store::User u = *user;
  u.banned = true;
  u.banned_until = in.until;
  u.ban_reason = in.reason;
  u.tokens_valid_after = now;
  auto updated = db_.users().update(u);
  if (!updated) return updated.error();
  if (Status s = auth_.revoke_sessions(id, "", "banned"); !s) return s;
  notifier_.banned(*updated);
  obs::info(Category::kDatabase, "User banned: ID {}", id);
  return ok();
}

Status UserService::unban(const Principal& actor, std::int64_t id) {
  if (actor.user.id == id) return Error::bad_request("You cannot ban/unban yourself!");
  auto user = require(id);
  if (!user) return user.error();
  const auto now = auth_.tokens().now();
  const bool active = banned_at(*user, now);
  if (!active) return Error::bad_request("This User is already unbanned");
  store::User u = *user;
  u.banned = false;
  u.banned_until.reset();
  u.ban_reason.reset();
  auto updated = db_.users().update(u);
  if (!updated) return updated.error();
  notifier_.unbanned(*updated);
  obs::info(Category::kDatabase, "User unbanned: ID {}", id);
  return ok();
}

Status UserService::remove(std::int64_t id) {
  auto removed = db_.users().remove_unless_last_admin(id);
  if (!removed) return removed.error();
  if (!*removed) return Error::not_found(kNoSuchUser);
  obs::info(Category::kDatabase, "User deleted: ID {}", id);
  return ok();
}

Status UserService::unlock(std::int64_t id) {
  auto user = require(id);
  if (!user) return user.error();
  store::User u = *user;
  u.locked_until.reset();
  u.failed_logins = 0;
  auto updated = db_.users().update(u);
  if (!updated) return updated.error();
  return ok();
}

Result<std::vector<store::Session>> UserService::sessions(std::int64_t user_id) {
  return db_.sessions().list_active(user_id, auth_.tokens().now());
}

Status UserService::revoke_session(std::int64_t user_id, const std::string& session_id) {
  auto s = db_.sessions().find(session_id);
  if (!s) return s.error();
  if (!*s || (*s)->user_id != user_id || (*s)->revoked_at) {
    return Error::not_found("Session not found");
  }
  return auth_.revoke_session(session_id, "revoked");
}

Status UserService::revoke_all_sessions(std::int64_t user_id) {
  auto user = require(user_id);
  if (!user) return user.error();
  store::User u = *user;
  u.tokens_valid_after = auth_.tokens().now();
  if (auto updated = db_.users().update(u); !updated) return updated.error();
  return auth_.revoke_sessions(user_id, "", "admin");
}

}  // namespace gatehouse::services
