#include "store/postgres/postgres_user_repository.hpp"

#include <algorithm>

#include "store/postgres/pg_query.hpp"
#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

// Casts: ids go in as bigint so an id beyond users.id's INTEGER range is simply not found
// (as on SQLite) instead of an out-of-range error; role goes through text so the prepared
// statement does not pin the roletype OID.
const std::string kCols = kUserColumns;

const std::string kInsert =
    "INSERT INTO users (email, password, first_name, last_name, role, banned, verified, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5::text::roletype, $6::boolean, "
    "$7::boolean, $8::timestamptz, $8::timestamptz) RETURNING " +
    kCols;
const std::string kById = "SELECT " + kCols + " FROM users WHERE id = $1::bigint";
const std::string kByEmail = "SELECT " + kCols + " FROM users WHERE email = $1";
const std::string kList =
    "SELECT " + kCols + " FROM users ORDER BY id LIMIT $1::bigint OFFSET $2::bigint";
const std::string kCount = "SELECT count(*) FROM users";
const std::string kCountAdmins = "SELECT count(*) FROM users WHERE role = 'admin'";
const std::string kUpdate =
    "UPDATE users SET email = $1, password = $2, first_name = $3, last_name = $4, "
    "role = $5::text::roletype, banned = $6::boolean, verified = $7::boolean, "
    "last_login_at = $8::timestamptz, updated_at = $9::timestamptz WHERE id = $10::bigint "
    "RETURNING " +
    kCols;
const std::string kDelete = "DELETE FROM users WHERE id = $1::bigint RETURNING id";

Result<User> decode(const PgRow& row) { return decode_user(row); }

// The only unique column a write can collide on is the email (ids come from the sequence).
Error email_conflict(Error e) {
  if (e.is(ErrorCode::kConflict)) e.public_message = kUserEmailTaken;
  return e;
}

}  // namespace

Result<User> PostgresUserRepository::create(const NewUser& user) {
  if (auto s = check_new_user(user); !s) return s.error();
  auto res = client_.query(
      kInsert,
      {param(user.email), param(user.password_hash), param(user.first_name), param(user.last_name),
       param(user.role), param(user.banned), param(user.verified), param(now_utc())},
      Retry::kNever);
  if (!res) return email_conflict(res.error());
  auto row = decode_first<User>(*res, decode);
  if (!row) return row.error();
  if (!*row) return Error::internal("INSERT ... RETURNING yielded no row");
  return std::move(**row);
}

Result<std::optional<User>> PostgresUserRepository::find_by_id(std::int64_t id) {
  auto res = client_.query(kById, {param(id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Result<std::optional<User>> PostgresUserRepository::find_by_email(const std::string& email) {
  auto res = client_.query(kByEmail, {param(email)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Result<std::vector<User>> PostgresUserRepository::list(std::int64_t offset, std::int64_t limit) {
  auto res = client_.query(
      kList, {param(std::max<std::int64_t>(limit, 0)), param(std::max<std::int64_t>(offset, 0))},
      Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<User>(*res, decode);
}

Result<std::int64_t> PostgresUserRepository::count() {
  auto res = client_.query(kCount, {}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<User> PostgresUserRepository::update(const User& user) {
  if (auto s = check_user(user); !s) return s.error();
  // Writing the same values twice is harmless, so a lost connection may retry.
  auto res = client_.query(
      kUpdate,
      {param(user.email), param(user.password_hash), param(user.first_name), param(user.last_name),
       param(user.role), param(user.banned), param(user.verified), param(user.last_login_at),
       param(now_utc()), param(user.id)},
      Retry::kIdempotent);
  if (!res) return email_conflict(res.error());
  auto row = decode_first<User>(*res, decode);
  if (!row) return row.error();
  if (!*row) return Error::not_found(kUserNotFound);
  return std::move(**row);
}

Result<bool> PostgresUserRepository::remove(std::int64_t id) {
  // Not retried: a second attempt after a delete that did commit would report false.
  auto res = client_.query(kDelete, {param(id)}, Retry::kNever);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<std::int64_t> PostgresUserRepository::count_admins() {
  auto res = client_.query(kCountAdmins, {}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

}  // namespace gatehouse::store::postgres
