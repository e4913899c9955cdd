#include "store/sqlite/sqlite_api_key_repository.hpp"

#include "core/ids.hpp"
#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"
#include "store/sqlite/sqlite_query.hpp"
#include "store/string_list_json.hpp"

namespace gatehouse::store::sqlite {

namespace {

// scopes is stored as JSON text already: no conversion on the way out.
const std::string kCols =
    "id, user_id, key, name, created_at, is_active, scopes, last_used_at, expires_at";

const std::string kInsert =
    "INSERT INTO api_keys (id, user_id, key, name, created_at, is_active, scopes, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING " +
    kCols;
const std::string kByHash = "SELECT " + kCols + " FROM api_keys WHERE key = ?1";
const std::string kByHashWithOwner =
    "SELECT k.id, k.user_id, k.key, k.name, k.created_at, k.is_active, k.scopes, "
    "k.last_used_at, k.expires_at, " +
    user_columns_of("u") +
    " FROM api_keys AS k JOIN users AS u ON u.id = k.user_id WHERE k.key = ?1";
const std::string kById = "SELECT " + kCols + " FROM api_keys WHERE id = ?1";
const std::string kForUser =
    "SELECT " + kCols + " FROM api_keys WHERE user_id = ?1 ORDER BY created_at, id";
// NULL leaves a column as it is.
const std::string kUpdate =
    "UPDATE api_keys SET name = COALESCE(?1, name), is_active = COALESCE(?2, is_active) "
    "WHERE id = ?3 RETURNING " +
    kCols;
const std::string kDelete = "DELETE FROM api_keys WHERE id = ?1 RETURNING 1";
const std::string kTouch = "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2 RETURNING 1";
const std::string kReplaceHash =
    "UPDATE api_keys SET key = ?1 WHERE id = ?2 AND key = ?3 RETURNING 1";

Result<ApiKey> decode(const Statement& row) { return decode_api_key(row); }

}  // namespace

Result<ApiKey> SqliteApiKeyRepository::create(const NewApiKey& key) {
  if (auto s = check_new_api_key(key); !s) return s.error();
  std::optional<std::string> scopes;
  if (key.scopes) scopes = encode_string_list(*key.scopes);
  auto row = fetch_optional<ApiKey>(pool_, kInsert, decode, new_uuid(), key.user_id, key.key_hash,
                                    key.name, format_iso8601(now_utc()), key.is_active, scopes,
                                    format_optional_iso8601(key.expires_at));
  if (!row) {
    Error e = row.error();
    if (e.is(ErrorCode::kConflict)) e.public_message = kApiKeyTaken;
    if (e.is(ErrorCode::kNotFound)) {
      e.code = ErrorCode::kUserNotFound;
      e.public_message = kUserNotFound;
    }
    return e;
  }
  if (!*row) return Error::internal("INSERT ... RETURNING yielded no row");
  return std::move(**row);
}

Result<std::optional<ApiKey>> SqliteApiKeyRepository::find_by_hash(const std::string& key_hash) {
  return fetch_optional<ApiKey>(pool_, kByHash, decode, key_hash);
}

Result<std::optional<ApiKeyWithOwner>> SqliteApiKeyRepository::find_by_hash_with_owner(
    const std::string& key_hash) {
  return fetch_optional<ApiKeyWithOwner>(
      pool_, kByHashWithOwner, [](const Statement& row) { return decode_api_key_with_owner(row); },
      key_hash);
}

Result<std::optional<ApiKey>> SqliteApiKeyRepository::find_by_id(const std::string& id) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return std::optional<ApiKey>();
  return fetch_optional<ApiKey>(pool_, kById, decode, *uuid);
}

Result<std::vector<ApiKey>> SqliteApiKeyRepository::list_for_user(std::int64_t user_id) {
  return fetch_all<ApiKey>(pool_, kForUser, decode, user_id);
}

Result<std::optional<ApiKey>> SqliteApiKeyRepository::update_name_active(
    const std::string& id, const std::optional<std::string>& name, std::optional<bool> is_active) {
  if (name) {
    if (auto s = check_api_key_name(*name); !s) return s.error();
  }
  const auto uuid = canonical_uuid(id);
  if (!uuid) return std::optional<ApiKey>();
  std::optional<std::string> active;  // SQLite booleans are 0/1 integers
  if (is_active) active = *is_active ? "1" : "0";
  return fetch_optional<ApiKey>(pool_, kUpdate, decode, name, active, *uuid);
}

Result<bool> SqliteApiKeyRepository::remove(const std::string& id) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  auto rows = fetch_all<std::int64_t>(pool_, kDelete, decode_int64, *uuid);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<bool> SqliteApiKeyRepository::touch_last_used(const std::string& id, Timestamp when) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  auto rows = fetch_all<std::int64_t>(pool_, kTouch, decode_int64, format_iso8601(when), *uuid);
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<bool> SqliteApiKeyRepository::replace_hash(const std::string& id,
                                                  const std::string& old_hash,
                                                  const std::string& new_hash) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  auto rows = fetch_all<std::int64_t>(pool_, kReplaceHash, decode_int64, new_hash, *uuid, old_hash);
  if (!rows) return rows.error();
  return !rows->empty();
}

}  // namespace gatehouse::store::sqlite
