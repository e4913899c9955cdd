#include "store/postgres/postgres_session_repository.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "store/audit_sql.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

const std::string kCols = kSessionColumns;

const std::string kInsert =
    "INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at, ip, "
    "user_agent) SELECT $1::uuid, $2::bigint, $3, $4::timestamptz, $4::timestamptz, "
    "$5::timestamptz, $6, $7 WHERE $8::boolean IS NULL OR EXISTS (SELECT 1 FROM users WHERE "
    "id = $2::bigint AND mfa_enabled = $8::boolean) RETURNING " +
    kCols;
// record_sign_in: the user's sign-in bookkeeping and the session in one statement; the
// UPDATE carries the mfa condition and locks the user row until the insert is done.
const std::string kInsertSigningIn =
    "WITH signed_in AS (UPDATE users SET failed_logins = 0, mfa_failures = 0, "
    "last_login_at = $9::timestamptz WHERE id = $2::bigint AND ($8::boolean IS NULL OR "
    "mfa_enabled = $8::boolean) RETURNING id) "
    "INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at, ip, "
    "user_agent) SELECT $1::uuid, id, $3, $4::timestamptz, $4::timestamptz, $5::timestamptz, $6, "
    "$7 FROM signed_in RETURNING " +
    kCols;
// The same, with the sign-in's audit event in the statement too (inserted only when the
// session is).
const std::string kInsertSigningInWithEvent =
    "WITH signed_in AS (UPDATE users SET failed_logins = 0, mfa_failures = 0, "
    "last_login_at = $9::timestamptz WHERE id = $2::bigint AND ($8::boolean IS NULL OR "
    "mfa_enabled = $8::boolean) RETURNING id), "
    "created AS (INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, "
    "expires_at, ip, user_agent) SELECT $1::uuid, id, $3, $4::timestamptz, $4::timestamptz, "
    "$5::timestamptz, $6, $7 FROM signed_in RETURNING *), "
    "event AS (INSERT INTO audit_events (at, actor_id, action, target_type, target_id, "
    "subject_user_id, ip, user_agent, outcome, details, request_id) SELECT $10::timestamptz, "
    "$11::bigint, $12, $13, $14, $15::bigint, $16, $17, $18, $19::jsonb, $20 FROM created) "
    "SELECT " +
    kCols + " FROM created";
const std::string kUserExists = "SELECT 1 FROM users WHERE id = $1::bigint";
const std::string kById = "SELECT " + kCols + " FROM sessions WHERE id = $1::uuid";
const std::string kActive = "SELECT " + kCols +
                            " FROM sessions WHERE user_id = $1::bigint AND revoked_at IS NULL "
                            "AND expires_at > $2::timestamptz ORDER BY created_at DESC, id DESC";
// The compare-and-set of refresh rotation: one conditional UPDATE (the row lock makes two
// concurrent rotations with the same jti succeed once).
const std::string kRotate =
    "UPDATE sessions SET refresh_jti = $3, last_used_at = $4::timestamptz WHERE id = $1::uuid "
    "AND refresh_jti = $2 AND revoked_at IS NULL AND expires_at > $4::timestamptz RETURNING 1";
const std::string kTouch = "UPDATE sessions SET last_used_at = $1::timestamptz WHERE id = $2::uuid";
const std::string kRevoke =
    "UPDATE sessions SET revoked_at = $1::timestamptz, revoked_reason = $2 WHERE id = $3::uuid "
    "AND revoked_at IS NULL RETURNING 1";
const std::string kRevokeAll =
    "UPDATE sessions SET revoked_at = $1::timestamptz, revoked_reason = $2 "
    "WHERE user_id = $3::bigint AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid) "
    "RETURNING id";

Result<Session> decode(const PgRow& row) { return decode_session(row); }
Result<std::string> decode_id(const PgRow& row) { return row.text(0); }

}  // namespace

Result<Session> PostgresSessionRepository::create(const NewSession& s) {
  std::vector<Param> params{param(s.id.empty() ? new_time_ordered_uuid() : s.id),
                            param(s.user_id),
                            param(s.refresh_jti),
                            param(now_utc()),
                            param(s.expires_at),
                            param(s.ip),
                            param(s.user_agent),
                            s.require_mfa_enabled ? param(*s.require_mfa_enabled) : Param()};
  if (s.record_sign_in_at) params.push_back(param(*s.record_sign_in_at));
  const bool with_event = s.record_sign_in_at && s.sign_in_event;
  if (with_event) {
    const AuditEvent& e = *s.sign_in_event;
    for (Param p : {param(audit_time(e)), param(e.actor_id), param(e.action), param(e.target_type),
                    param(e.target_id), param(e.subject_user_id), param(e.ip), param(e.user_agent),
                    param(e.outcome), param(audit_details(e)), param(e.request_id)}) {
      params.push_back(std::move(p));
    }
  }
  const std::string& sql =
      with_event ? kInsertSigningInWithEvent : (s.record_sign_in_at ? kInsertSigningIn : kInsert);
  auto res = client_.query(sql, params, Retry::kNever);
  if (!res) {
    Error e = res.error();
    if (e.is(ErrorCode::kNotFound)) {
      e.code = ErrorCode::kUserNotFound;
      e.public_message = kUserNotFound;
    }
    return e;
  }
  auto row = decode_first<Session>(*res, decode);
  if (!row) return row.error();
  if (!*row) {
    if (!s.record_sign_in_at) return mfa_state_changed();
    // No user row matched: there is none, or its TOTP state changed.
    auto exists = client_.query(kUserExists, {param(s.user_id)}, Retry::kIdempotent);
    if (!exists) return exists.error();
    if (exists->rows() == 0) return Error::of(ErrorCode::kUserNotFound, kUserNotFound);
    return mfa_state_changed();
  }
  return std::move(**row);
}

Result<std::optional<Session>> PostgresSessionRepository::find(const std::string& id) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return std::optional<Session>();
  auto res = client_.query(kById, {param(*uuid)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<Session>(*res, decode);
}

Result<std::vector<Session>> PostgresSessionRepository::list_active(std::int64_t user_id,
                                                                    Timestamp now) {
  auto res = client_.query(kActive, {param(user_id), param(now)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<Session>(*res, decode);
}

Result<bool> PostgresSessionRepository::rotate(const std::string& id,
                                               const std::string& expected_jti,
                                               const std::string& new_jti, Timestamp now) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  // Not retried: after a rotation that did commit, a second attempt would report false and
  // look like refresh-token reuse.
  auto res = client_.query(kRotate, {param(*uuid), param(expected_jti), param(new_jti), param(now)},
                           Retry::kNever);
  if (!res) return res.error();
  return res->rows() > 0;
}

Status PostgresSessionRepository::touch(const std::string& id, Timestamp now) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return ok();
  auto res = client_.query(kTouch, {param(now), param(*uuid)}, Retry::kIdempotent);
  if (!res) return res.error();
  return ok();
}

Result<bool> PostgresSessionRepository::revoke(const std::string& id, const std::string& reason,
                                               Timestamp now) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  // Not retried: a second attempt after a revoke that did commit would report false.
  auto res = client_.query(kRevoke, {param(now), param(reason), param(*uuid)}, Retry::kNever);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<std::vector<std::string>> PostgresSessionRepository::revoke_all(std::int64_t user_id,
                                                                       const std::string& keep_id,
                                                                       const std::string& reason,
                                                                       Timestamp now) {
  // A keep_id that is not a UUID names no session: everything is revoked. Not retried: a
  // second attempt would not return the ids the first one revoked.
  auto res = client_.query(kRevokeAll,
                           {param(now), param(reason), param(user_id), canonical_uuid(keep_id)},
                           Retry::kNever);
  if (!res) return res.error();
  auto ids = decode_all<std::string>(*res, decode_id);
  if (!ids) return ids.error();
  std::sort(ids->begin(), ids->end());
  return ids;
}

}  // namespace gatehouse::store::postgres
