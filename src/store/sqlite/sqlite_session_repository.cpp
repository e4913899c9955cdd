#include "store/sqlite/sqlite_session_repository.hpp"

#include <algorithm>

#include "core/ids.hpp"
#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"
#include "store/sqlite/sqlite_audit_repository.hpp"
#include "store/sqlite/sqlite_query.hpp"

namespace gatehouse::store::sqlite {

namespace {

const std::string kCols = kSessionColumns;

const std::string kInsert =
    "INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at, ip, "
    "user_agent) SELECT ?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7 WHERE ?8 IS NULL OR EXISTS (SELECT 1 FROM "
    "users WHERE id = ?2 AND mfa_enabled = ?8) RETURNING " +
    kCols;
// The sign-in bookkeeping of record_sign_in, under the same mfa condition (?3) as kInsert.
const std::string kRecordSignIn =
    "UPDATE users SET failed_logins = 0, mfa_failures = 0, last_login_at = ?1 WHERE id = ?2 "
    "AND (?3 IS NULL OR mfa_enabled = ?3) RETURNING 1";
const std::string kUserExists = "SELECT 1 FROM users WHERE id = ?1";
const std::string kById = "SELECT " + kCols + " FROM sessions WHERE id = ?1";
const std::string kActive = "SELECT " + kCols +
                            " FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND "
                            "expires_at > ?2 ORDER BY created_at DESC, id DESC";
// The compare-and-set of refresh rotation: one conditional UPDATE.
const std::string kRotate =
    "UPDATE sessions SET refresh_jti = ?3, last_used_at = ?4 WHERE id = ?1 AND refresh_jti = ?2 "
    "AND revoked_at IS NULL AND expires_at > ?4 RETURNING 1";
const std::string kTouch = "UPDATE sessions SET last_used_at = ?1 WHERE id = ?2";
const std::string kRevoke =
    "UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2 WHERE id = ?3 AND revoked_at IS NULL "
    "RETURNING 1";
const std::string kRevokeAll =
    "UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2 WHERE user_id = ?3 AND "
    "revoked_at IS NULL AND (?4 IS NULL OR id <> ?4) RETURNING id";

Result<Session> decode(const Statement& row) { return decode_session(row); }

// ?8: NULL, or the mfa_enabled value the user must still have (0/1).
std::optional<std::string> mfa_condition(const NewSession& s) {
  if (!s.require_mfa_enabled) return std::nullopt;
  return *s.require_mfa_enabled ? "1" : "0";
}
Result<std::string> decode_id(const Statement& row) { return row.text(0); }

// Why a conditional write found no user row: there is none, or its TOTP state changed.
Error missing_user_or_mfa_change(Connection& conn, std::int64_t user_id) {
  auto exists = fetch_all<std::int64_t>(conn, kUserExists, decode_int64, user_id);
  if (!exists) return exists.error();
  if (exists->empty()) return Error::of(ErrorCode::kUserNotFound, kUserNotFound);
  return mfa_state_changed();
}

}  // namespace

Result<Session> SqliteSessionRepository::create(const NewSession& s) {
  const std::string id = s.id.empty() ? new_time_ordered_uuid() : s.id;
  const std::string now = format_iso8601(now_utc());
  if (!s.record_sign_in_at) {
    auto row =
        fetch_optional<Session>(pool_, kInsert, decode, id, s.user_id, s.refresh_jti, now,
                                format_iso8601(s.expires_at), s.ip, s.user_agent, mfa_condition(s));
    if (!row) return user_reference_error(row.error());
    if (!*row) return mfa_state_changed();
    return std::move(**row);
  }
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  Connection& conn = **lease;
  auto tx = Transaction::begin(conn);
  if (!tx) return tx.error();
  // The user row first: its update carries the mfa condition, so the insert needs none.
  auto signed_in =
      fetch_all<std::int64_t>(conn, kRecordSignIn, decode_int64,
                              format_iso8601(*s.record_sign_in_at), s.user_id, mfa_condition(s));
  if (!signed_in) return signed_in.error();
  if (signed_in->empty()) return missing_user_or_mfa_change(conn, s.user_id);
  auto row = fetch_optional<Session>(conn, kInsert, decode, id, s.user_id, s.refresh_jti, now,
                                     format_iso8601(s.expires_at), s.ip, s.user_agent,
                                     std::optional<std::string>());
  if (!row) return user_reference_error(row.error());
  if (!*row) return mfa_state_changed();
  if (s.sign_in_event) {
    if (auto e = append_audit_event(conn, *s.sign_in_event); !e) return e.error();
  }
  if (auto c = tx->commit(); !c) return c.error();
  return std::move(**row);
}

Result<std::optional<Session>> SqliteSessionRepository::find(const std::string& id) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return std::optional<Session>();
  return fetch_optional<Session>(pool_, kById, decode, *uuid);
}

Result<std::vector<Session>> SqliteSessionRepository::list_active(std::int64_t user_id,
                                                                  Timestamp now) {
  return fetch_all<Session>(pool_, kActive, decode, user_id, format_iso8601(now));
}

Result<bool> SqliteSessionRepository::rotate(const std::string& id, const std::string& expected_jti,
                                             const std::string& new_jti, Timestamp now) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  auto rows = fetch_all<std::int64_t>(pool_, kRotate, decode_int64, *uuid, expected_jti, new_jti,
                                      format_iso8601(now));
  if (!rows) return rows.error();
  return !rows->empty();
}

Status SqliteSessionRepository::touch(const std::string& id, Timestamp now) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return ok();
  auto changed = execute(pool_, kTouch, format_iso8601(now), *uuid);
  if (!changed) return changed.error();
  return ok();
}

Result<bool> SqliteSessionRepository::revoke(const std::string& id, const std::string& reason,
                                             Timestamp now) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  auto rows =
      fetch_all<std::int64_t>(pool_, kRevoke, decode_int64, format_iso8601(now), reason, *uuid);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<std::vector<std::string>> SqliteSessionRepository::revoke_all(std::int64_t user_id,
                                                                     const std::string& keep_id,
                                                                     const std::string& reason,
                                                                     Timestamp now) {
  // A keep_id that is not a UUID names no session: everything is revoked.
  const std::optional<std::string> keep = canonical_uuid(keep_id);
  auto ids = fetch_all<std::string>(pool_, kRevokeAll, decode_id, format_iso8601(now), reason,
                                    user_id, keep);
  if (!ids) return ids.error();
  std::sort(ids->begin(), ids->end());
  return ids;
}

}  // namespace gatehouse::store::sqlite
