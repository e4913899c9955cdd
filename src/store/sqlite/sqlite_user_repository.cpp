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
const std::string kByEmail = "SELECT " + kCols + " FROM users WHERE email = ?1";
const std::string kList = "SELECT " + kCols + " FROM users ORDER BY id LIMIT ?1 OFFSET ?2";
const std::string kCount = "SELECT count(*) FROM users";
const std::string kCountAdmins = "SELECT count(*) FROM users WHERE role = 'admin'";
const std::string kUpdate =
    "UPDATE users SET email = ?1, password = ?2, first_name = ?3, last_name = ?4, role = ?5, "
    "banned = ?6, verified = ?7, last_login_at = ?8, updated_at = ?9 WHERE id = ?10 RETURNING " +
    kCols;
const std::string kDelete = "DELETE FROM users WHERE id = ?1 RETURNING id";

Result<User> decode(const Statement& row) { return decode_user(row); }

// The only unique column a write can collide on is the email (ids are assigned).
Error email_conflict(Error e) {
  if (e.is(ErrorCode::kConflict)) e.public_message = kUserEmailTaken;
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

Result<std::optional<User>> SqliteUserRepository::find_by_email(const std::string& email) {
  return fetch_optional<User>(pool_, kByEmail, decode, email);
}

Result<std::vector<User>> SqliteUserRepository::list(std::int64_t offset, std::int64_t limit) {
  return fetch_all<User>(pool_, kList, decode, std::max<std::int64_t>(limit, 0),
                         std::max<std::int64_t>(offset, 0));
}

Result<std::int64_t> SqliteUserRepository::count() {
  auto rows = fetch_all<std::int64_t>(pool_, kCount, decode_int64);
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

Result<User> SqliteUserRepository::update(const User& user) {
  if (auto s = check_user(user); !s) return s.error();
  auto row =
      fetch_optional<User>(pool_, kUpdate, decode, user.email, user.password_hash, user.first_name,
                           user.last_name, user.role, user.banned, user.verified,
                           optional_time(user.last_login_at), format_iso8601(now_utc()), user.id);
  if (!row) return email_conflict(row.error());
  if (!*row) return Error::not_found(kUserNotFound);
  return std::move(**row);
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

}  // namespace gatehouse::store::sqlite
