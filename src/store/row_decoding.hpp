#pragma once
// Turning one result row into a User or ApiKey, shared by both backends so they decode
// identically. A backend's row type provides, for a 0-based column:
//   bool is_null(int) const;
//   std::string text(int) const;
//   std::optional<std::int64_t> int64(int) const;
//   std::optional<bool> boolean(int) const;
// Timestamps arrive as text (ISO-8601 from SQLite, PostgreSQL's text form) and scopes as a
// JSON array text (SQLite's column, PostgreSQL's array_to_json()).
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/api_key_repository.hpp"
#include "store/string_list_json.hpp"
#include "store/time.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store {

// SELECT list matching decode_user(); the same on both backends.
inline constexpr const char* kUserColumns =
    "id, email, password, first_name, last_name, role, banned, verified, created_at, "
    "updated_at, last_login_at";

// decode_api_key() expects: id, user_id, key, name, created_at, is_active, scopes (JSON text),
// last_used_at. The backends spell the scopes column differently (see their repositories).

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
      !detail::read_optional_timestamp(row, 10, u.last_login_at)) {
    return detail::bad_column("users timestamps");
  }
  return u;
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
  if (!detail::read_optional_timestamp(row, 7, k.last_used_at)) {
    return detail::bad_column("api_keys.last_used_at");
  }
  return k;
}

}  // namespace gatehouse::store
