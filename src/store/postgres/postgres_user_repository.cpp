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
const std::string kListAfter =
    "SELECT " + kCols + " FROM users WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint";
const std::string kCount = "SELECT count(*) FROM users";
const std::string kCountAdmins = "SELECT count(*) FROM users WHERE role = 'admin'";
// "$argon2id$v=19$" is 15 characters; the parameters run to the next '$'.
const std::string kHashKinds =
    "SELECT DISTINCT CASE WHEN substr(password, 1, 10) = '$argon2id$' "
    "THEN substr(password, 1, 15 + strpos(substr(password, 16), '$')) "
    "ELSE substr(password, 1, 7) END FROM users";

// Column-scoped writes: every right-hand side reads the row as it was before the statement
// (under its row lock), so a rule that compares with the stored value (email changed? hash
// still the expected one?) is decided there, never on an earlier read.
const std::string kSetPassword =
    "UPDATE users SET updated_at = $2::timestamptz, " +
    password_assignments("$1", "$3", "$4", true) +
    " WHERE id = $5::bigint AND ($6::text IS NULL OR password = $6::text) RETURNING " + kCols;
const std::string kUpdateProfile =
    "UPDATE users SET email = $1::text, first_name = $2, last_name = $3, "
    "verified = CASE WHEN email = $1::text THEN verified ELSE false END, "
    "updated_at = $4::timestamptz, " +
    password_assignments("$6", "$7", "$8", true) +
    " WHERE id = $5::bigint AND ($9::text IS NULL OR password = $9::text) RETURNING " + kCols;
const std::string kSetBan =
    "UPDATE users SET banned = $1::boolean, banned_until = $2::timestamptz, ban_reason = $3, "
    "updated_at = $4::timestamptz, " +
    token_cutoff_assignment("$5", true) + " WHERE id = $6::bigint RETURNING " + kCols;
const std::string kSetVerified =
    "UPDATE users SET verified = true, updated_at = $1::timestamptz WHERE id = $2::bigint AND "
    "($3::text IS NULL OR email = $3::text) RETURNING " +
    kCols;
const std::string kCutTokens = "UPDATE users SET " + token_cutoff_assignment("$1", true) +
                               ", updated_at = $2::timestamptz WHERE id = $3::bigint RETURNING id";
const std::string kClearLockout =
    "UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1::timestamptz "
    "WHERE id = $2::bigint RETURNING id";
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
    "UPDATE users SET failed_logins = 0, mfa_failures = 0, last_login_at = $1::timestamptz "
    "WHERE id = $2::bigint";
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
  if (e.is(ErrorCode::kConflict)) {
    e.code = ErrorCode::kEmailTaken;
    e.public_message = kUserEmailTaken;
  }
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

Result<std::vector<User>> PostgresUserRepository::list_after(std::int64_t after_id,
                                                             std::int64_t limit) {
  auto res = client_.query(kListAfter, {param(after_id), param(std::max<std::int64_t>(limit, 0))},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<User>(*res, decode);
}

Result<std::int64_t> PostgresUserRepository::count() {
  auto res = client_.query(kCount, {}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::optional<User>> PostgresUserRepository::update_profile(std::int64_t id,
                                                                   const ProfileUpdate& profile) {
  if (auto s = check_profile(profile); !s) return s.error();
  const PasswordUpdate none;
  const PasswordUpdate& pw = profile.password ? *profile.password : none;
  Param hash;
  if (profile.password) hash = pw.hash;
  // Writing the same values twice is harmless, so a lost connection may retry, unless the
  // write is conditional on the stored hash (a retry after an unacknowledged commit would
  // report a lost race).
  const Retry retry = pw.expected_hash ? Retry::kNever : Retry::kIdempotent;
  auto res = client_.query(
      kUpdateProfile,
      {param(profile.email), param(profile.first_name), param(profile.last_name), param(now_utc()),
       param(id), hash, param(pw.tokens_valid_after), param(pw.clear_lockout), pw.expected_hash},
      retry);
  if (!res) return email_conflict(res.error());
  return decode_first<User>(*res, decode);
}

Result<std::optional<User>> PostgresUserRepository::set_password(std::int64_t id,
                                                                 const PasswordUpdate& update) {
  if (auto s = check_password_hash(update.hash); !s) return s.error();
  // With an expected hash a retry after a commit that was not acknowledged would report a
  // lost race, so only an unconditional write retries.
  const Retry retry = update.expected_hash ? Retry::kNever : Retry::kIdempotent;
  auto res = client_.query(kSetPassword,
                           {param(update.hash), param(now_utc()), param(update.tokens_valid_after),
                            param(update.clear_lockout), param(id), update.expected_hash},
                           retry);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Result<std::optional<User>> PostgresUserRepository::set_ban(std::int64_t id, const BanUpdate& ban) {
  if (auto s = check_ban(ban); !s) return s.error();
  auto res = client_.query(kSetBan,
                           {param(ban.banned), param(ban.until), ban.reason, param(now_utc()),
                            param(ban.tokens_valid_after), param(id)},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Result<std::optional<User>> PostgresUserRepository::set_verified(
    std::int64_t id, const std::optional<std::string>& email) {
  auto res = client_.query(kSetVerified, {param(now_utc()), param(id), email}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Result<bool> PostgresUserRepository::cut_tokens(std::int64_t id, Timestamp at) {
  auto res =
      client_.query(kCutTokens, {param(at), param(now_utc()), param(id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<bool> PostgresUserRepository::clear_lockout(std::int64_t id) {
  auto res = client_.query(kClearLockout, {param(now_utc()), param(id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return res->rows() > 0;
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

Result<std::vector<std::string>> PostgresUserRepository::password_hash_kinds() {
  auto res = client_.query(kHashKinds, {}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<std::string>(
      *res, [](const PgRow& row) -> Result<std::string> { return row.text(0); });
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
    if (check->only_admin) return Error::of(ErrorCode::kLastAdmin, kLastAdminDelete);
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
    if (check->only_admin && role != kRoleAdmin)
      return Error::of(ErrorCode::kLastAdmin, kLastAdminDemote);
    auto res = execute(conn, kSetRole, {param(role), param(now_utc()), param(id)});
    if (!res) return res.error();
    auto row = decode_first<User>(*res, decode);
    if (!row) return row.error();
    if (auto s = tx->commit(); !s) return s.error();
    return std::move(*row);
  });
}

}  // namespace gatehouse::store::postgres
