#include "store/sqlite/sqlite_user_repository.hpp"

#include <algorithm>

#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"
#include "store/sqlite/sqlite_query.hpp"

namespace gatehouse::store::sqlite {

namespace {

const std::string kCols = kUserColumns;

const std::string kInsert =
    "INSERT INTO users (email, password, first_name, last_name, role, banned, verified, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING " +
    kCols;
const std::string kById = "SELECT " + kCols + " FROM users WHERE id = ?1";
// ?2 is NULL when the session id is not a UUID (never found).
const std::string kWithSession =
    "SELECT " + kCols +
    ", EXISTS (SELECT 1 FROM sessions WHERE id = ?2 AND user_id = users.id AND "
    "revoked_at IS NULL) FROM users WHERE id = ?1";
const std::string kByEmail = "SELECT " + kCols + " FROM users WHERE email = ?1";
const std::string kList = "SELECT " + kCols + " FROM users ORDER BY id LIMIT ?1 OFFSET ?2";
const std::string kListAfter = "SELECT " + kCols + " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2";
const std::string kCount = "SELECT count(*) FROM users";
const std::string kCountAdmins = "SELECT count(*) FROM users WHERE role = 'admin'";
// "$argon2id$v=19$" is 15 characters; the parameters run to the next '$'.
const std::string kHashKinds =
    "SELECT DISTINCT CASE WHEN substr(password, 1, 10) = '$argon2id$' "
    "THEN substr(password, 1, 15 + instr(substr(password, 16), '$')) "
    "ELSE substr(password, 1, 7) END FROM users";

// Column-scoped writes: every right-hand side reads the row as it was before the statement,
// so a rule that compares with the stored value (email changed? hash still the expected one?)
// is decided under the write lock, never on an earlier read.
const std::string kSetPassword =
    "UPDATE users SET updated_at = ?2, " + password_assignments("?1", "?3", "?4", false) +
    " WHERE id = ?5 AND (?6 IS NULL OR password = ?6) RETURNING " + kCols;
const std::string kUpdateProfile =
    "UPDATE users SET email = ?1, first_name = ?2, last_name = ?3, "
    "verified = CASE WHEN email = ?1 THEN verified ELSE 0 END, updated_at = ?4, " +
    password_assignments("?6", "?7", "?8", false) +
    " WHERE id = ?5 AND (?9 IS NULL OR password = ?9) " + "RETURNING " + kCols;
const std::string kSetBan =
    "UPDATE users SET banned = ?1, banned_until = ?2, ban_reason = ?3, updated_at = ?4, " +
    token_cutoff_assignment("?5", false) + " WHERE id = ?6 RETURNING " + kCols;
const std::string kSetVerified =
    "UPDATE users SET verified = 1, updated_at = ?1 WHERE id = ?2 AND (?3 IS NULL OR email = ?3) "
    "RETURNING " +
    kCols;
const std::string kCutTokens = "UPDATE users SET " + token_cutoff_assignment("?1", false) +
                               ", updated_at = ?2 WHERE id = ?3 RETURNING id";
const std::string kClearLockout =
    "UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = ?1 WHERE id = ?2 "
    "RETURNING id";
const std::string kDelete = "DELETE FROM users WHERE id = ?1 RETURNING id";
// ?2 threshold, ?3 lock_until. Every right-hand side reads the row before the update.
const std::string kFailedLogin =
    "UPDATE users SET "
    "failed_logins = CASE WHEN ?2 > 0 AND failed_logins + 1 >= ?2 THEN 0 "
    "ELSE failed_logins + 1 END, "
    "locked_until = CASE WHEN ?2 > 0 AND failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END "
    "WHERE id = ?1 RETURNING " +
    kCols;
const std::string kSuccessfulLogin =
    "UPDATE users SET failed_logins = 0, mfa_failures = 0, last_login_at = ?1 WHERE id = ?2";
// Inside BEGIN IMMEDIATE, which already holds the write lock.
const std::string kOtherAdmins = "SELECT count(*) FROM users WHERE role = 'admin' AND id <> ?1";
const std::string kRoleOf = "SELECT role FROM users WHERE id = ?1";
const std::string kSetRole =
    "UPDATE users SET role = ?1, updated_at = ?2 WHERE id = ?3 RETURNING " + kCols;

std::string search_sql(const UserSearch& q) {
  return "SELECT " + kCols + " FROM users WHERE " + user_search_condition(q, "?1", false) +
         " ORDER BY id LIMIT ?2 OFFSET ?3";
}

std::string count_search_sql(const UserSearch& q) {
  return "SELECT count(*) FROM users WHERE " + user_search_condition(q, "?1", false);
}

std::string search_term(const UserSearch& q) { return q.exact ? q.term : contains_pattern(q.term); }

Result<std::string> decode_text(const Statement& row) { return row.text(0); }

// Within a BEGIN IMMEDIATE transaction on `conn`: the target's role (nullopt when the id does
// not exist) and whether it is the only admin.
struct AdminCheck {
  std::optional<std::string> role;
  bool only_admin = false;
};

Result<AdminCheck> check_last_admin(Connection& conn, std::int64_t id) {
  auto role = fetch_optional<std::string>(conn, kRoleOf, decode_text, id);
  if (!role) return role.error();
  AdminCheck out;
  out.role = std::move(*role);
  if (out.role != kRoleAdmin) return out;
  auto others = fetch_all<std::int64_t>(conn, kOtherAdmins, decode_int64, id);
  if (!others) return others.error();
  out.only_admin = others->empty() || others->front() == 0;
  return out;
}

Result<User> decode(const Statement& row) { return decode_user(row); }

Result<UserWithSession> decode_with_session(const Statement& row) {
  return decode_user_with_session(row);
}

// The only unique column a write can collide on is the email (ids are assigned).
Error email_conflict(Error e) {
  if (e.is(ErrorCode::kConflict)) {
    e.code = ErrorCode::kEmailTaken;
    e.public_message = kUserEmailTaken;
  }
  return e;
}

std::optional<std::string> optional_time(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return format_iso8601(*t);
}

}  // namespace

Result<User> SqliteUserRepository::create(const NewUser& user) {
  if (auto s = check_new_user(user); !s) return s.error();
  auto row = fetch_optional<User>(pool_, kInsert, decode, user.email, user.password_hash,
                                  user.first_name, user.last_name, user.role, user.banned,
                                  user.verified, format_iso8601(now_utc()));
  if (!row) return email_conflict(row.error());
  if (!*row) return Error::internal("INSERT ... RETURNING yielded no row");
  return std::move(**row);
}

Result<std::optional<User>> SqliteUserRepository::find_by_id(std::int64_t id) {
  return fetch_optional<User>(pool_, kById, decode, id);
}

Result<std::optional<UserWithSession>> SqliteUserRepository::find_with_session(
    std::int64_t id, const std::string& session_id) {
  return fetch_optional<UserWithSession>(pool_, kWithSession, decode_with_session, id,
                                         canonical_uuid(session_id));
}

Result<std::optional<User>> SqliteUserRepository::find_by_email(const std::string& email) {
  return fetch_optional<User>(pool_, kByEmail, decode, email);
}

Result<std::vector<User>> SqliteUserRepository::list(std::int64_t offset, std::int64_t limit) {
  return fetch_all<User>(pool_, kList, decode, std::max<std::int64_t>(limit, 0),
                         std::max<std::int64_t>(offset, 0));
}

Result<std::vector<User>> SqliteUserRepository::list_after(std::int64_t after_id,
                                                           std::int64_t limit) {
  return fetch_all<User>(pool_, kListAfter, decode, after_id, std::max<std::int64_t>(limit, 0));
}

Result<std::int64_t> SqliteUserRepository::count() {
  auto rows = fetch_all<std::int64_t>(pool_, kCount, decode_int64);
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

Result<std::optional<User>> SqliteUserRepository::update_profile(std::int64_t id,
                                                                 const ProfileUpdate& profile) {
  if (auto s = check_profile(profile); !s) return s.error();
  const PasswordUpdate none;
  const PasswordUpdate& pw = profile.password ? *profile.password : none;
  std::optional<std::string> hash;
  if (profile.password) hash = pw.hash;
  auto row = fetch_optional<User>(pool_, kUpdateProfile, decode, profile.email, profile.first_name,
                                  profile.last_name, format_iso8601(now_utc()), id, hash,
                                  optional_time(pw.tokens_valid_after), pw.clear_lockout,
                                  pw.expected_hash);
  if (!row) return email_conflict(row.error());
  return std::move(*row);
}

Result<std::optional<User>> SqliteUserRepository::set_password(std::int64_t id,
                                                               const PasswordUpdate& update) {
  if (auto s = check_password_hash(update.hash); !s) return s.error();
  return fetch_optional<User>(pool_, kSetPassword, decode, update.hash, format_iso8601(now_utc()),
                              optional_time(update.tokens_valid_after), update.clear_lockout, id,
                              update.expected_hash);
}

Result<std::optional<User>> SqliteUserRepository::set_ban(std::int64_t id, const BanUpdate& ban) {
  if (auto s = check_ban(ban); !s) return s.error();
  return fetch_optional<User>(pool_, kSetBan, decode, ban.banned, optional_time(ban.until),
                              ban.reason, format_iso8601(now_utc()),
                              optional_time(ban.tokens_valid_after), id);
}

Result<std::optional<User>> SqliteUserRepository::set_verified(
    std::int64_t id, const std::optional<std::string>& email) {
  return fetch_optional<User>(pool_, kSetVerified, decode, format_iso8601(now_utc()), id, email);
}

Result<bool> SqliteUserRepository::cut_tokens(std::int64_t id, Timestamp at) {
  auto rows = fetch_all<std::int64_t>(pool_, kCutTokens, decode_int64, format_iso8601(at),
                                      format_iso8601(now_utc()), id);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<bool> SqliteUserRepository::clear_lockout(std::int64_t id) {
  auto rows =
      fetch_all<std::int64_t>(pool_, kClearLockout, decode_int64, format_iso8601(now_utc()), id);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<bool> SqliteUserRepository::remove(std::int64_t id) {
  auto rows = fetch_all<std::int64_t>(pool_, kDelete, decode_int64, id);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<std::int64_t> SqliteUserRepository::count_admins() {
  auto rows = fetch_all<std::int64_t>(pool_, kCountAdmins, decode_int64);
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

Result<std::vector<std::string>> SqliteUserRepository::password_hash_kinds() {
  return fetch_all<std::string>(pool_, kHashKinds, decode_text);
}

Result<std::vector<User>> SqliteUserRepository::search(const UserSearch& q, std::int64_t offset,
                                                       std::int64_t limit) {
  return fetch_all<User>(pool_, search_sql(q), decode, search_term(q),
                         std::max<std::int64_t>(limit, 0), std::max<std::int64_t>(offset, 0));
}

Result<std::int64_t> SqliteUserRepository::count_search(const UserSearch& q) {
  auto rows = fetch_all<std::int64_t>(pool_, count_search_sql(q), decode_int64, search_term(q));
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

Result<std::optional<User>> SqliteUserRepository::record_failed_login(std::int64_t id,
                                                                      int threshold,
                                                                      Timestamp lock_until) {
  return fetch_optional<User>(pool_, kFailedLogin, decode, id, static_cast<std::int64_t>(threshold),
                              format_iso8601(lock_until));
}

Status SqliteUserRepository::record_successful_login(std::int64_t id, Timestamp at) {
  auto changed = execute(pool_, kSuccessfulLogin, format_iso8601(at), id);
  if (!changed) return changed.error();
  return ok();
}

Result<bool> SqliteUserRepository::remove_unless_last_admin(std::int64_t id) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  Connection& conn = **lease;
  auto tx = Transaction::begin(conn);
  if (!tx) return tx.error();
  auto check = check_last_admin(conn, id);
  if (!check) return check.error();
  if (!check->role) return false;
  if (check->only_admin) return Error::of(ErrorCode::kLastAdmin, kLastAdminDelete);
  auto rows = fetch_all<std::int64_t>(conn, kDelete, decode_int64, id);
  if (!rows) return rows.error();
  if (auto s = tx->commit(); !s) return s.error();
  return !rows->empty();
}

Result<std::optional<User>> SqliteUserRepository::set_role_unless_last_admin(
    std::int64_t id, const std::string& role) {
  if (auto s = check_role(role); !s) return s.error();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  Connection& conn = **lease;
  auto tx = Transaction::begin(conn);
  if (!tx) return tx.error();
  auto check = check_last_admin(conn, id);
  if (!check) return check.error();
  if (!check->role) return std::optional<User>();
  if (check->only_admin && role != kRoleAdmin)
    return Error::of(ErrorCode::kLastAdmin, kLastAdminDemote);
  auto row = fetch_optional<User>(conn, kSetRole, decode, role, format_iso8601(now_utc()), id);
  if (!row) return row.error();
  if (auto s = tx->commit(); !s) return s.error();
  return std::move(*row);
}

}  // namespace gatehouse::store::sqlite
