#pragma once
// Turning one result row into a User, ApiKey, Session, OutboxMessage, RecoveryCode or
// AuditEvent, shared by both backends so they decode identically. A backend's row type
// provides, for a 0-based column:
//   bool is_null(int) const;
//   std::string text(int) const;
//   std::optional<std::int64_t> int64(int) const;
//   std::optional<bool> boolean(int) const;
// Timestamps arrive as text (ISO-8601 from SQLite, PostgreSQL's text form) and scopes as a
// JSON array text (SQLite's column, PostgreSQL's array_to_json()).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "store/api_key_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/mfa_repository.hpp"
#include "store/outbox_repository.hpp"
#include "store/session_repository.hpp"
#include "store/string_list_json.hpp"
#include "store/time.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store {

// SELECT list matching decode_user(); the same on both backends.
inline constexpr const char* kUserColumns =
    "id, email, password, first_name, last_name, role, banned, verified, created_at, "
    "updated_at, last_login_at, tokens_valid_after, failed_logins, locked_until, banned_until, "
    "ban_reason, mfa_enabled, mfa_secret, mfa_enabled_at";

// SELECT lists matching decode_session() and decode_outbox_message(); the same on both
// backends (PostgreSQL prints a uuid in canonical lower case).
inline constexpr const char* kSessionColumns =
    "id, user_id, refresh_jti, created_at, last_used_at, expires_at, ip, user_agent, revoked_at, "
    "revoked_reason";
inline constexpr const char* kOutboxColumns =
    "id, kind, payload, attempts, created_at, available_at, sent_at, last_error, endpoint, "
    "given_up_at";
// SELECT list matching decode_audit_event(); the same on both backends (PostgreSQL prints
// the jsonb details in its own normal form).
inline constexpr const char* kAuditColumns =
    "id, at, actor_id, action, target_type, target_id, subject_user_id, ip, user_agent, "
    "outcome, details, request_id";
// SELECT list matching decode_recovery_code().
inline constexpr const char* kRecoveryCodeColumns = "id, code_hash";

// decode_api_key() expects: id, user_id, key, name, created_at, is_active, scopes (JSON text),
// last_used_at, expires_at. The backends spell the scopes column differently (see their
// repositories).

// kUserColumns with each name qualified by `alias` ("u.id, u.email, ..."), for joins.
inline std::string user_columns_of(const std::string& alias) {
  std::string out;
  std::string_view rest = kUserColumns;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += alias + "." + std::string(name);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

// A view of `row` whose column 0 is the underlying row's column `offset`, so a decoder can
// read its columns from the middle of a joined row.
template <class Row>
class ShiftedRow {
 public:
  ShiftedRow(const Row& row, int offset) : row_(row), offset_(offset) {}
  bool is_null(int col) const { return row_.is_null(col + offset_); }
  std::string text(int col) const { return row_.text(col + offset_); }
  std::optional<std::int64_t> int64(int col) const { return row_.int64(col + offset_); }
  std::optional<bool> boolean(int col) const { return row_.boolean(col + offset_); }

 private:
  const Row& row_;
  int offset_;
};

namespace detail {

inline Error bad_column(const char* column) {
  return Error::internal(std::string("unreadable stored value in ") + column);
}

template <class Row>
bool read_timestamp(const Row& row, int col, Timestamp& out) {
  auto t = parse_iso8601(row.text(col));
  if (!t) return false;
  out = *t;
  return true;
}

template <class Row>
std::optional<std::string> read_optional_text(const Row& row, int col) {
  if (row.is_null(col)) return std::nullopt;
  return row.text(col);
}

template <class Row>
bool read_optional_timestamp(const Row& row, int col, std::optional<Timestamp>& out) {
  if (row.is_null(col)) {
    out.reset();
    return true;
  }
  Timestamp t{};
  if (!read_timestamp(row, col, t)) return false;
  out = t;
  return true;
}

}  // namespace detail

template <class Row>
Result<User> decode_user(const Row& row) {
  User u;
  const auto id = row.int64(0);
  if (!id) return detail::bad_column("users.id");
  u.id = *id;
  u.email = row.text(1);
  u.password_hash = row.text(2);
  u.first_name = row.text(3);
  u.last_name = row.text(4);
  u.role = row.text(5);
  const auto banned = row.boolean(6);
  const auto verified = row.boolean(7);
  if (!banned || !verified) return detail::bad_column("users.banned/verified");
  u.banned = *banned;
  u.verified = *verified;
  if (!detail::read_timestamp(row, 8, u.created_at) ||
      !detail::read_timestamp(row, 9, u.updated_at) ||
      !detail::read_optional_timestamp(row, 10, u.last_login_at) ||
      !detail::read_optional_timestamp(row, 11, u.tokens_valid_after) ||
      !detail::read_optional_timestamp(row, 13, u.locked_until) ||
      !detail::read_optional_timestamp(row, 14, u.banned_until) ||
      !detail::read_optional_timestamp(row, 18, u.mfa_enabled_at)) {
    return detail::bad_column("users timestamps");
  }
  const auto failed = row.int64(12);
  if (!failed) return detail::bad_column("users.failed_logins");
  u.failed_logins = static_cast<int>(*failed);
  u.ban_reason = detail::read_optional_text(row, 15);
  const auto mfa = row.boolean(16);
  if (!mfa) return detail::bad_column("users.mfa_enabled");
  u.mfa_enabled = *mfa;
  u.mfa_secret = detail::read_optional_text(row, 17);
  return u;
}

// decode_user()'s columns followed by one boolean: whether the session is live.
template <class Row>
Result<UserWithSession> decode_user_with_session(const Row& row) {
  auto user = decode_user(row);
  if (!user) return user.error();
  const auto live = row.boolean(19);
  if (!live) return detail::bad_column("session_live");
  return UserWithSession{std::move(*user), *live};
}

template <class Row>
Result<ApiKey> decode_api_key(const Row& row) {
  ApiKey k;
  k.id = row.text(0);
  const auto user_id = row.int64(1);
  if (!user_id) return detail::bad_column("api_keys.user_id");
  k.user_id = *user_id;
  k.key_hash = row.text(2);
  k.name = row.text(3);
  if (!detail::read_timestamp(row, 4, k.created_at)) {
    return detail::bad_column("api_keys.created_at");
  }
  const auto active = row.boolean(5);
  if (!active) return detail::bad_column("api_keys.is_active");
  k.is_active = *active;
  if (!row.is_null(6)) {
    auto scopes = decode_string_list(row.text(6));
    if (!scopes) return detail::bad_column("api_keys.scopes");
    k.scopes = std::move(*scopes);
  }
  if (!detail::read_optional_timestamp(row, 7, k.last_used_at) ||
      !detail::read_optional_timestamp(row, 8, k.expires_at)) {
    return detail::bad_column("api_keys.last_used_at/expires_at");
  }
  return k;
}

// decode_api_key()'s nine columns followed by decode_user()'s.
template <class Row>
Result<ApiKeyWithOwner> decode_api_key_with_owner(const Row& row) {
  auto key = decode_api_key(row);
  if (!key) return key.error();
  auto owner = decode_user(ShiftedRow<Row>(row, 9));
  if (!owner) return owner.error();
  return ApiKeyWithOwner{std::move(*key), std::move(*owner)};
}

template <class Row>
Result<Session> decode_session(const Row& row) {
  Session s;
  s.id = row.text(0);
  const auto user_id = row.int64(1);
  if (!user_id) return detail::bad_column("sessions.user_id");
  s.user_id = *user_id;
  s.refresh_jti = row.text(2);
  if (!detail::read_timestamp(row, 3, s.created_at) ||
      !detail::read_timestamp(row, 4, s.last_used_at) ||
      !detail::read_timestamp(row, 5, s.expires_at) ||
      !detail::read_optional_timestamp(row, 8, s.revoked_at)) {
    return detail::bad_column("sessions timestamps");
  }
  s.ip = row.text(6);
  s.user_agent = row.text(7);
  s.revoked_reason = row.text(9);  // NULL reads as ""
  return s;
}

template <class Row>
Result<OutboxMessage> decode_outbox_message(const Row& row) {
  OutboxMessage m;
  const auto id = row.int64(0);
  const auto attempts = row.int64(3);
  if (!id || !attempts) return detail::bad_column("outbox.id/attempts");
  m.id = *id;
  m.kind = row.text(1);
  m.payload = row.text(2);
  m.attempts = static_cast<int>(*attempts);
  if (!detail::read_timestamp(row, 4, m.created_at) ||
      !detail::read_timestamp(row, 5, m.available_at) ||
      !detail::read_optional_timestamp(row, 6, m.sent_at) ||
      !detail::read_optional_timestamp(row, 9, m.given_up_at)) {
    return detail::bad_column("outbox timestamps");
  }
  m.last_error = row.text(7);  // NULL reads as ""
  m.endpoint = row.text(8);    // NULL (not a webhook) reads as ""
  return m;
}

template <class Row>
Result<AuditEvent> decode_audit_event(const Row& row) {
  AuditEvent e;
  const auto id = row.int64(0);
  if (!id) return detail::bad_column("audit_events.id");
  e.id = *id;
  if (!detail::read_timestamp(row, 1, e.at)) return detail::bad_column("audit_events.at");
  e.actor_id = row.int64(2);  // NULL: none
  e.action = row.text(3);
  e.target_type = row.text(4);
  e.target_id = row.text(5);
  e.subject_user_id = row.int64(6);
  e.ip = row.text(7);
  e.user_agent = row.text(8);
  e.outcome = row.text(9);
  e.details = row.text(10);
  e.request_id = row.text(11);
  return e;
}

template <class Row>
Result<RecoveryCode> decode_recovery_code(const Row& row) {
  const auto id = row.int64(0);
  if (!id) return detail::bad_column("mfa_recovery_codes.id");
  return RecoveryCode{*id, row.text(1)};
}

}  // namespace gatehouse::store
