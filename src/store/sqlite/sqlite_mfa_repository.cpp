#include "store/sqlite/sqlite_mfa_repository.hpp"

#include <type_traits>

#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"
#include "store/sqlite/sqlite_query.hpp"

namespace gatehouse::store::sqlite {

namespace {

const std::string kCols = kUserColumns;
const std::string kCodeCols = kRecoveryCodeColumns;

// Conditional writes on users: each decides under the write lock, against the row as it is.
const std::string kSetPending =
    "UPDATE users SET mfa_secret = ?1, updated_at = ?2 WHERE id = ?3 AND mfa_enabled = 0 "
    "RETURNING id";
const std::string kEnable =
    "UPDATE users SET mfa_enabled = 1, mfa_enabled_at = ?1, updated_at = ?1 WHERE id = ?2 AND "
    "mfa_enabled = 0 AND "
    "mfa_secret = ?3 RETURNING " +
    kCols;
// Inside BEGIN IMMEDIATE, which already holds the write lock: the value read is the one the
// following UPDATE overwrites.
const std::string kEnabledOf = "SELECT mfa_enabled FROM users WHERE id = ?1";
const std::string kDisable =
    "UPDATE users SET mfa_enabled = 0, mfa_enabled_at = NULL, mfa_secret = NULL, mfa_failures = 0, "
    "updated_at = ?1 "
    "WHERE id = ?2 "
    "RETURNING " +
    kCols;

const std::string kDeleteCodes = "DELETE FROM mfa_recovery_codes WHERE user_id = ?1";
const std::string kInsertCode =
    "INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)";
const std::string kUnusedCodes = "SELECT " + kCodeCols +
                                 " FROM mfa_recovery_codes WHERE user_id = ?1 AND used_at IS NULL "
                                 "ORDER BY id";
// The compare-and-set of a recovery code: of two concurrent uses, one finds it unused.
const std::string kUseCode =
    "UPDATE mfa_recovery_codes SET used_at = ?1 WHERE id = ?2 AND user_id = ?3 AND "
    "used_at IS NULL RETURNING id";
const std::string kCountUnused =
    "SELECT count(*) FROM mfa_recovery_codes WHERE user_id = ?1 AND used_at IS NULL";

// mfa_token bookkeeping: one upsert each, decided by the primary key; a spent row is never
// updated again (no row returned). ?3 max_failures, ?4 now.
const std::string kChallengeFailure =
    "INSERT INTO mfa_challenges (jti, user_id, failures, spent_at, expires_at) "
    "VALUES (?1, ?2, 1, CASE WHEN 1 >= ?3 THEN ?4 END, ?5) "
    "ON CONFLICT (jti) DO UPDATE SET failures = mfa_challenges.failures + 1, "
    "spent_at = CASE WHEN mfa_challenges.failures + 1 >= ?3 THEN ?4 ELSE NULL END "
    "WHERE mfa_challenges.spent_at IS NULL RETURNING failures";
const std::string kChallengeSpent =
    "SELECT spent_at IS NOT NULL FROM mfa_challenges WHERE jti = ?1";
const std::string kCountFailure =
    "UPDATE users SET mfa_failures = mfa_failures + 1 WHERE id = ?1 RETURNING mfa_failures";
// Only ever lengthens a lock.
const std::string kExtendLock =
    "UPDATE users SET locked_until = ?1 WHERE id = ?2 AND (locked_until IS NULL OR "
    "locked_until < ?1) RETURNING " +
    kCols;
const std::string kPurgeChallenges = "DELETE FROM mfa_challenges WHERE expires_at < ?1";

Result<User> decode(const Statement& row) { return decode_user(row); }
Result<RecoveryCode> decode_code(const Statement& row) { return decode_recovery_code(row); }

Result<bool> decode_bool(const Statement& row) {
  const auto v = row.boolean(0);
  if (!v) return Error::internal("expected a boolean column");
  return *v;
}

// Runs `fn(Connection&) -> Result<T>` inside BEGIN IMMEDIATE on one pooled connection,
// committing when it succeeds (rolled back otherwise).
template <class F>
auto in_transaction(Pool& pool, F&& fn) -> std::invoke_result_t<F, Connection&> {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  Connection& conn = **lease;
  auto tx = Transaction::begin(conn);
  if (!tx) return tx.error();
  auto result = fn(conn);
  if (!result) return result;
  if (auto s = tx->commit(); !s) return s.error();
  return result;
}

Result<std::int64_t> count_unused(Connection& conn, std::int64_t user_id) {
  auto n = fetch_optional<std::int64_t>(conn, kCountUnused, decode_int64, user_id);
  if (!n) return n.error();
  return n->value_or(0);
}

}  // namespace

Result<bool> SqliteMfaRepository::set_pending_secret(std::int64_t user_id,
                                                     const std::string& sealed_secret) {
  auto rows = fetch_all<std::int64_t>(pool_, kSetPending, decode_int64, sealed_secret,
                                      format_iso8601(now_utc()), user_id);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<std::optional<User>> SqliteMfaRepository::enable(
    std::int64_t user_id, const std::string& expected_sealed_secret,
    const std::vector<std::string>& recovery_code_hashes) {
  const std::string now = format_iso8601(now_utc());
  return in_transaction(pool_, [&](Connection& conn) -> Result<std::optional<User>> {
    auto user = fetch_optional<User>(conn, kEnable, decode, now, user_id, expected_sealed_secret);
    if (!user || !*user) return user;
    if (auto d = execute(conn, kDeleteCodes, user_id); !d) return d.error();
    for (const std::string& hash : recovery_code_hashes) {
      if (auto i = execute(conn, kInsertCode, user_id, hash, now); !i) return i.error();
    }
    return user;
  });
}

Result<std::optional<MfaDisabled>> SqliteMfaRepository::disable(std::int64_t user_id) {
  return in_transaction(pool_, [&](Connection& conn) -> Result<std::optional<MfaDisabled>> {
    auto was_enabled = fetch_optional<bool>(conn, kEnabledOf, decode_bool, user_id);
    if (!was_enabled) return was_enabled.error();
    if (!*was_enabled) return std::optional<MfaDisabled>();
    auto user = fetch_optional<User>(conn, kDisable, decode, format_iso8601(now_utc()), user_id);
    if (!user) return user.error();
    if (!*user) return Error::internal("UPDATE ... RETURNING yielded no row");
    if (auto d = execute(conn, kDeleteCodes, user_id); !d) return d.error();
    return std::optional<MfaDisabled>(MfaDisabled{std::move(**user), **was_enabled});
  });
}

Result<std::vector<RecoveryCode>> SqliteMfaRepository::unused_recovery_codes(std::int64_t user_id) {
  return fetch_all<RecoveryCode>(pool_, kUnusedCodes, decode_code, user_id);
}

Result<std::optional<int>> SqliteMfaRepository::use_recovery_code(std::int64_t user_id,
                                                                  std::int64_t code_id,
                                                                  Timestamp at) {
  return in_transaction(pool_, [&](Connection& conn) -> Result<std::optional<int>> {
    auto used =
        fetch_all<std::int64_t>(conn, kUseCode, decode_int64, format_iso8601(at), code_id, user_id);
    if (!used) return used.error();
    if (used->empty()) return std::optional<int>();
    auto left = count_unused(conn, user_id);
    if (!left) return left.error();
    return std::optional<int>(static_cast<int>(*left));
  });
}

Result<std::optional<int>> SqliteMfaRepository::record_challenge_failure(const std::string& jti,
                                                                         std::int64_t user_id,
                                                                         Timestamp expires_at,
                                                                         int max_failures) {
  auto failures = fetch_optional<std::int64_t>(
      pool_, kChallengeFailure, decode_int64, jti, user_id, static_cast<std::int64_t>(max_failures),
      format_iso8601(now_utc()), format_iso8601(expires_at));
  if (!failures) return user_reference_error(failures.error());
  if (!*failures) return std::optional<int>();
  return std::optional<int>(static_cast<int>(**failures));
}

Result<bool> SqliteMfaRepository::challenge_spent(const std::string& jti) {
  auto rows = fetch_all<std::int64_t>(pool_, kChallengeSpent, decode_int64, jti);
  if (!rows) return rows.error();
  return !rows->empty() && rows->front() != 0;
}

Result<std::optional<int>> SqliteMfaRepository::count_second_factor_failure(std::int64_t user_id) {
  auto rows = fetch_all<std::int64_t>(pool_, kCountFailure, decode_int64, user_id);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<int>();
  return std::optional<int>(static_cast<int>(rows->front()));
}

Result<std::optional<User>> SqliteMfaRepository::extend_lock(std::int64_t user_id,
                                                             Timestamp until) {
  return fetch_optional<User>(pool_, kExtendLock, decode, format_iso8601(until), user_id);
}

Result<std::int64_t> SqliteMfaRepository::purge_expired_challenges(Timestamp now) {
  return execute(pool_, kPurgeChallenges, format_iso8601(now));
}

}  // namespace gatehouse::store::sqlite
