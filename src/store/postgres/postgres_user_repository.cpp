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
// $2 is NULL when the session id is not a UUID (never found).
const std::string kWithSession =
    "SELECT " + kCols +
    ", EXISTS (SELECT 1 FROM sessions WHERE id = $2::uuid AND user_id = users.id AND "
    "revoked_at IS NULL) FROM users WHERE id = $1::bigint";
const std::string kByEmail = "SELECT " + kCols + " FROM users WHERE email = $1";
const std::string kList =
    "SELECT " + kCols + " FROM users ORDER BY id LIMIT $1::bigint OFFSET $2::bigint";
const std::string kCount = "SELECT count(*) FROM users";
const std::string kCountAdmins = "SELECT count(*) FROM users WHERE role = 'admin'";
const std::string kUpdate =
    "UPDATE users SET email = $1, password = $2, first_name = $3, last_name = $4, "
    "role = $5::text::roletype, banned = $6::boolean, verified = $7::boolean, "
    "last_login_at = $8::timestamptz, updated_at = $9::timestamptz, "
    "tokens_valid_after = $11::timestamptz, failed_logins = $12::integer, "
    "locked_until = $13::timestamptz, banned_until = $14::timestamptz, ban_reason = $15, "
    "mfa_enabled = $16::boolean, mfa_secret = $17 WHERE id = $10::bigint RETURNING " +
    kCols;
const std::string kDelete = "DELETE FROM users WHERE id = $1::bigint RETURNING id";
// $2 threshold, $3 lock_until. Every right-hand side reads the row as it was before this
// update; the row lock makes concurrent failures count one by one.
const std::string kFailedLogin =
    "UPDATE users SET "
    "failed_logins = CASE WHEN $2::integer > 0 AND failed_logins + 1 >= $2::integer THEN 0 "
    "ELSE failed_logins + 1 END, "
    "locked_until = CASE WHEN $2::integer > 0 AND failed_logins + 1 >= $2::integer "
    "THEN $3::timestamptz ELSE locked_until END "
    "WHERE id = $1::bigint RETURNING " +
    kCols;
const std::string kSuccessfulLogin =
    "UPDATE users SET failed_logins = 0, last_login_at = $1::timestamptz WHERE id = $2::bigint";
// The last-admin rule: one statement locks every admin row and the target, in id order, so
// concurrent callers queue instead of deadlocking (a second statement locking the target
// could meet a row another caller kept locked after it stopped being an admin). A concurrent
// demotion or delete of a locked row is seen once it commits (READ COMMITTED re-checks the
// row), so the count cannot be stale.
const std::string kLockAdminsAndTarget =
    "SELECT id, role::text FROM users WHERE role = 'admin' OR id = $1::bigint ORDER BY id "
    "FOR UPDATE";
const std::string kSetRole =
    "UPDATE users SET role = $1::text::roletype, updated_at = $2::timestamptz "
    "WHERE id = $3::bigint RETURNING " +
    kCols;

std::string search_sql(const UserSearch& q) {
  return "SELECT " + kCols + " FROM users WHERE " + user_search_condition(q, "$1", true) +
         " ORDER BY id LIMIT $2::bigint OFFSET $3::bigint";
}

std::string count_search_sql(const UserSearch& q) {
  return "SELECT count(*) FROM users WHERE " + user_search_condition(q, "$1", true);
}

Param search_term(const UserSearch& q) { return q.exact ? q.term : contains_pattern(q.term); }

// Within a transaction on `conn`: the target's role (nullopt when the id does not exist) and
// whether it is the only admin.
struct AdminCheck {
  std::optional<std::string> role;
  bool only_admin = false;
};

Result<AdminCheck> check_last_admin(Connection& conn, std::int64_t id) {
  auto rows = execute(conn, kLockAdminsAndTarget, {param(id)});
  if (!rows) return rows.error();
  AdminCheck out;
  int other_admins = 0;
  for (int r = 0; r < rows->rows(); ++r) {
    const PgRow row(*rows, r);
    const bool admin = row.text(1) == kRoleAdmin;
    if (row.int64(0) == id) {
      out.role = row.text(1);
    } else if (admin) {
      ++other_admins;
    }
  }
  out.only_admin = out.role == kRoleAdmin && other_admins == 0;
  return out;
}

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

Result<std::optional<UserWithSession>> PostgresUserRepository::find_with_session(
    std::int64_t id, const std::string& session_id) {
  auto res = client_.query(kWithSession, {param(id), Param(canonical_uuid(session_id))},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<UserWithSession>(*res, decode_user_with_session<PgRow>);
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
       param(now_utc()), param(user.id), param(user.tokens_valid_after),
       param(static_cast<std::int64_t>(user.failed_logins)), param(user.locked_until),
       param(user.banned_until), user.ban_reason, param(user.mfa_enabled), user.mfa_secret},
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

Result<std::vector<User>> PostgresUserRepository::search(const UserSearch& q, std::int64_t offset,
                                                         std::int64_t limit) {
  auto res = client_.query(search_sql(q),
                           {search_term(q), param(std::max<std::int64_t>(limit, 0)),
                            param(std::max<std::int64_t>(offset, 0))},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<User>(*res, decode);
}

Result<std::int64_t> PostgresUserRepository::count_search(const UserSearch& q) {
  auto res = client_.query(count_search_sql(q), {search_term(q)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::optional<User>> PostgresUserRepository::record_failed_login(std::int64_t id,
                                                                        int threshold,
                                                                        Timestamp lock_until) {
  // Not retried: counting one failure twice would lock the account early.
  auto res = client_.query(
      kFailedLogin, {param(id), param(static_cast<std::int64_t>(threshold)), param(lock_until)},
      Retry::kNever);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Status PostgresUserRepository::record_successful_login(std::int64_t id, Timestamp at) {
  auto res = client_.query(kSuccessfulLogin, {param(at), param(id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return ok();
}

Result<bool> PostgresUserRepository::remove_unless_last_admin(std::int64_t id) {
  return client_.with_connection([&](Connection& conn) -> Result<bool> {
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    auto check = check_last_admin(conn, id);
    if (!check) return check.error();
    if (!check->role) return false;
    if (check->only_admin) return Error::bad_request(kLastAdminDelete);
    auto res = execute(conn, kDelete, {param(id)});
    if (!res) return res.error();
    if (auto s = tx->commit(); !s) return s.error();
    return res->rows() > 0;
  });
}

Result<std::optional<User>> PostgresUserRepository::set_role_unless_last_admin(
    std::int64_t id, const std::string& role) {
  if (auto s = check_role(role); !s) return s.error();
  return client_.with_connection([&](Connection& conn) -> Result<std::optional<User>> {
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    auto check = check_last_admin(conn, id);
    if (!check) return check.error();
    if (!check->role) return std::optional<User>();
    if (check->only_admin && role != kRoleAdmin) return Error::bad_request(kLastAdminDemote);
    auto res = execute(conn, kSetRole, {param(role), param(now_utc()), param(id)});
    if (!res) return res.error();
    auto row = decode_first<User>(*res, decode);
    if (!row) return row.error();
    if (auto s = tx->commit(); !s) return s.error();
    return std::move(*row);
  });
}

}  // namespace gatehouse::store::postgres
