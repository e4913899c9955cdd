#include "store/postgres/postgres_mfa_repository.hpp"

#include <type_traits>

#include "store/postgres/pg_query.hpp"
#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

// Ids go in as bigint, as in postgres_user_repository.cpp: an id beyond INTEGER's range is
// simply not found.
const std::string kCols = kUserColumns;
const std::string kCodeCols = kRecoveryCodeColumns;

// Conditional writes on users: each decides under the row lock, against the row as it is
// (READ COMMITTED re-checks the condition after waiting for a concurrent writer).
const std::string kSetPending =
    "UPDATE users SET mfa_secret = $1, updated_at = $2::timestamptz WHERE id = $3::bigint AND "
    "mfa_enabled = false RETURNING id";
const std::string kEnable =
    "UPDATE users SET mfa_enabled = true, mfa_enabled_at = $1::timestamptz, updated_at = "
    "$1::timestamptz WHERE id = $2::bigint AND "
    "mfa_enabled = false AND mfa_secret = $3::text RETURNING " +
    kCols;
// Locks the row, so the value read is the one the following UPDATE overwrites.
const std::string kEnabledOf = "SELECT mfa_enabled FROM users WHERE id = $1::bigint FOR UPDATE";
const std::string kDisable =
    "UPDATE users SET mfa_enabled = false, mfa_enabled_at = NULL, mfa_secret = NULL, "
    "mfa_failures = 0, updated_at = "
    "$1::timestamptz "
    "WHERE id = $2::bigint RETURNING " +
    kCols;

const std::string kDeleteCodes = "DELETE FROM mfa_recovery_codes WHERE user_id = $1::bigint";
const std::string kInsertCode =
    "INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) "
    "VALUES ($1::bigint, $2, $3::timestamptz)";
const std::string kUnusedCodes =
    "SELECT " + kCodeCols +
    " FROM mfa_recovery_codes WHERE user_id = $1::bigint AND used_at IS NULL ORDER BY id";
// The compare-and-set of a recovery code: the row lock makes two concurrent uses succeed once.
const std::string kUseCode =
    "UPDATE mfa_recovery_codes SET used_at = $1::timestamptz WHERE id = $2::bigint AND "
    "user_id = $3::bigint AND used_at IS NULL RETURNING id";
const std::string kCountUnused =
    "SELECT count(*) FROM mfa_recovery_codes WHERE user_id = $1::bigint AND used_at IS NULL";

// mfa_token bookkeeping: one upsert each, decided by the primary key (ON CONFLICT DO UPDATE
// locks the existing row and evaluates its WHERE on the latest version); a spent row is never
// updated again (no row returned). $3 max_failures, $4 now.
const std::string kChallengeFailure =
    "INSERT INTO mfa_challenges (jti, user_id, failures, spent_at, expires_at) "
    "VALUES ($1, $2::bigint, 1, CASE WHEN 1 >= $3::integer THEN $4::timestamptz END, "
    "$5::timestamptz) "
    "ON CONFLICT (jti) DO UPDATE SET failures = mfa_challenges.failures + 1, "
    "spent_at = CASE WHEN mfa_challenges.failures + 1 >= $3::integer THEN $4::timestamptz "
    "ELSE NULL END WHERE mfa_challenges.spent_at IS NULL RETURNING failures";
const std::string kChallengeSpent =
    "SELECT (spent_at IS NOT NULL)::int FROM mfa_challenges WHERE jti = $1";
const std::string kCountFailure =
    "UPDATE users SET mfa_failures = mfa_failures + 1 WHERE id = $1::bigint RETURNING mfa_failures";
// Only ever lengthens a lock.
const std::string kExtendLock =
    "UPDATE users SET locked_until = $1::timestamptz WHERE id = $2::bigint AND (locked_until IS "
    "NULL OR locked_until < $1::timestamptz) RETURNING " +
    kCols;
const std::string kPurgeChallenges =
    "WITH gone AS (DELETE FROM mfa_challenges WHERE expires_at < $1::timestamptz RETURNING 1) "
    "SELECT count(*) FROM gone";

Result<User> decode(const PgRow& row) { return decode_user(row); }
Result<RecoveryCode> decode_code(const PgRow& row) { return decode_recovery_code(row); }

// Runs `fn(Connection&) -> Result<T>` in a transaction on one pooled connection, committing
// when it succeeds (rolled back otherwise). Never retried.
template <class F>
auto in_transaction(PgClient& client, F&& fn) -> std::invoke_result_t<F, Connection&> {
  using R = std::invoke_result_t<F, Connection&>;
  return client.with_connection([&](Connection& conn) -> R {
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    auto result = fn(conn);
    if (!result) return result;
    if (auto s = tx->commit(); !s) return s.error();
    return result;
  });
}

}  // namespace

Result<bool> PostgresMfaRepository::set_pending_secret(std::int64_t user_id,
                                                       const std::string& sealed_secret) {
  // Writing the same secret twice is harmless: a lost connection may retry.
  auto res = client_.query(kSetPending, {param(sealed_secret), param(now_utc()), param(user_id)},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<std::optional<User>> PostgresMfaRepository::enable(
    std::int64_t user_id, const std::string& expected_sealed_secret,
    const std::vector<std::string>& recovery_code_hashes) {
  const Timestamp now = now_utc();
  return in_transaction(client_, [&](Connection& conn) -> Result<std::optional<User>> {
    auto res = execute(conn, kEnable, {param(now), param(user_id), param(expected_sealed_secret)});
    if (!res) return res.error();
    auto user = decode_first<User>(*res, decode);
    if (!user || !*user) return user;
    if (auto d = execute(conn, kDeleteCodes, {param(user_id)}); !d) return d.error();
    for (const std::string& hash : recovery_code_hashes) {
      auto i = execute(conn, kInsertCode, {param(user_id), param(hash), param(now)});
      if (!i) return i.error();
    }
    return user;
  });
}

Result<std::optional<MfaDisabled>> PostgresMfaRepository::disable(std::int64_t user_id) {
  return in_transaction(client_, [&](Connection& conn) -> Result<std::optional<MfaDisabled>> {
    auto locked = execute(conn, kEnabledOf, {param(user_id)});
    if (!locked) return locked.error();
    if (locked->rows() == 0) return std::optional<MfaDisabled>();
    const auto was_enabled = PgRow(*locked, 0).boolean(0);
    if (!was_enabled) return Error::internal("unreadable stored value in users.mfa_enabled");
    auto res = execute(conn, kDisable, {param(now_utc()), param(user_id)});
    if (!res) return res.error();
    auto user = decode_first<User>(*res, decode);
    if (!user) return user.error();
    if (!*user) return Error::internal("UPDATE ... RETURNING yielded no row");
    if (auto d = execute(conn, kDeleteCodes, {param(user_id)}); !d) return d.error();
    return std::optional<MfaDisabled>(MfaDisabled{std::move(**user), *was_enabled});
  });
}

Result<std::vector<RecoveryCode>> PostgresMfaRepository::unused_recovery_codes(
    std::int64_t user_id) {
  auto res = client_.query(kUnusedCodes, {param(user_id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<RecoveryCode>(*res, decode_code);
}

Result<std::optional<int>> PostgresMfaRepository::use_recovery_code(std::int64_t user_id,
                                                                    std::int64_t code_id,
                                                                    Timestamp at) {
  return in_transaction(client_, [&](Connection& conn) -> Result<std::optional<int>> {
    auto used = execute(conn, kUseCode, {param(at), param(code_id), param(user_id)});
    if (!used) return used.error();
    if (used->rows() == 0) return std::optional<int>();
    auto left = execute(conn, kCountUnused, {param(user_id)});
    if (!left) return left.error();
    auto n = decode_scalar(*left);
    if (!n) return n.error();
    return std::optional<int>(static_cast<int>(*n));
  });
}

Result<std::optional<int>> PostgresMfaRepository::record_challenge_failure(const std::string& jti,
                                                                           std::int64_t user_id,
                                                                           Timestamp expires_at,
                                                                           int max_failures) {
  // Not retried: counting one failure twice would spend the token early.
  auto res =
      client_.query(kChallengeFailure,
                    {param(jti), param(user_id), param(static_cast<std::int64_t>(max_failures)),
                     param(now_utc()), param(expires_at)},
                    Retry::kNever);
  if (!res) return user_reference_error(res.error());
  if (res->rows() == 0) return std::optional<int>();
  auto n = decode_scalar(*res);
  if (!n) return n.error();
  return std::optional<int>(static_cast<int>(*n));
}

Result<bool> PostgresMfaRepository::challenge_spent(const std::string& jti) {
  auto res = client_.query(kChallengeSpent, {param(jti)}, Retry::kIdempotent);
  if (!res) return res.error();
  if (res->rows() == 0) return false;
  auto spent = decode_scalar(*res);
  if (!spent) return spent.error();
  return *spent != 0;
}

Result<std::optional<int>> PostgresMfaRepository::count_second_factor_failure(
    std::int64_t user_id) {
  // Not retried: a failure counted twice would lengthen a lockout early.
  auto res = client_.query(kCountFailure, {param(user_id)}, Retry::kNever);
  if (!res) return res.error();
  if (res->rows() == 0) return std::optional<int>();
  auto n = decode_scalar(*res);
  if (!n) return n.error();
  return std::optional<int>(static_cast<int>(*n));
}

Result<std::optional<User>> PostgresMfaRepository::extend_lock(std::int64_t user_id,
                                                               Timestamp until) {
  auto res = client_.query(kExtendLock, {param(until), param(user_id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<User>(*res, decode);
}

Result<std::int64_t> PostgresMfaRepository::purge_expired_challenges(Timestamp now) {
  auto res = client_.query(kPurgeChallenges, {param(now)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

}  // namespace gatehouse::store::postgres
