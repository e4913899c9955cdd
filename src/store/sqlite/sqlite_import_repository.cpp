#include "store/sqlite/sqlite_import_repository.hpp"

#include "store/import_rows.hpp"
#include "store/sqlite/sqlite_query.hpp"
#include "store/string_list_json.hpp"

namespace gatehouse::store::sqlite {

namespace {

// Each list arrives as one JSON array parameter (store/import_rows.hpp).
const std::string kUsersMatching =
    "SELECT id, email, role FROM users "
    "WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1)) "
    "OR email IN (SELECT value FROM json_each(?2))";
const std::string kKeysMatching =
    "SELECT id, user_id, key FROM api_keys "
    "WHERE id IN (SELECT value FROM json_each(?1)) OR key IN (SELECT value FROM json_each(?2))";
// JSON true/false come out of json_extract as 1/0, the form the boolean CHECKs want.
const std::string kInsertUsers =
    "INSERT INTO users (id, email, password, first_name, last_name, role, banned, verified, "
    "created_at, updated_at, tokens_valid_after) "
    "SELECT json_extract(value, '$.id'), json_extract(value, '$.email'), "
    "json_extract(value, '$.password'), json_extract(value, '$.first_name'), "
    "json_extract(value, '$.last_name'), json_extract(value, '$.role'), "
    "json_extract(value, '$.banned'), json_extract(value, '$.verified'), ?2, ?2, ?2 "
    "FROM json_each(?1)";
// json_extract of an array is its JSON text (the stored form of scopes); of null, NULL.
const std::string kInsertKeys =
    "INSERT INTO api_keys (id, user_id, key, name, created_at, is_active, scopes, last_used_at) "
    "SELECT json_extract(value, '$.id'), json_extract(value, '$.user_id'), "
    "json_extract(value, '$.key'), json_extract(value, '$.name'), "
    "json_extract(value, '$.created_at'), json_extract(value, '$.is_active'), "
    "json_extract(value, '$.scopes'), json_extract(value, '$.last_used_at') "
    "FROM json_each(?1)";

}  // namespace

Result<std::vector<StoredUserIdentity>> SqliteImportRepository::users_matching(
    const std::vector<std::int64_t>& ids, const std::vector<std::string>& emails) {
  return fetch_all<StoredUserIdentity>(
      pool_, kUsersMatching,
      [](const Statement& row) -> Result<StoredUserIdentity> {
        return StoredUserIdentity{row.int64(0).value_or(0), row.text(1), row.text(2)};
      },
      id_list_json(ids), encode_string_list(emails));
}

Result<std::vector<StoredKeyIdentity>> SqliteImportRepository::api_keys_matching(
    const std::vector<std::string>& ids, const std::vector<std::string>& key_hashes) {
  return fetch_all<StoredKeyIdentity>(
      pool_, kKeysMatching,
      [](const Statement& row) -> Result<StoredKeyIdentity> {
        return StoredKeyIdentity{row.text(0), row.int64(1).value_or(0), row.text(2)};
      },
      encode_string_list(ids), encode_string_list(key_hashes));
}

Status SqliteImportRepository::insert_users(const std::vector<ImportedUser>& users, Timestamp at) {
  if (users.empty()) return ok();
  if (auto s = check_imported_users(users); !s) return s;
  auto n = execute(pool_, kInsertUsers, users_json(users), format_iso8601(at));
  if (!n) return n.error();
  return ok();
}

Status SqliteImportRepository::insert_api_keys(const std::vector<ImportedApiKey>& keys) {
  if (keys.empty()) return ok();
  if (auto s = check_imported_api_keys(keys); !s) return s;
  auto n = execute(pool_, kInsertKeys, api_keys_json(keys));
  if (!n) return n.error();
  return ok();
}

// users.id is AUTOINCREMENT: an insert with an explicit id already raises sqlite_sequence to
// it, so the next generated id is past every imported one with nothing more to do.
Status SqliteImportRepository::advance_user_ids() { return ok(); }

// Database::in_transaction is BEGIN IMMEDIATE: the write lock is taken before the batch's
// lookups, so a concurrent import waits (busy_timeout) and then sees this batch's rows.
Status SqliteImportRepository::lock_for_batch() { return ok(); }

}  // namespace gatehouse::store::sqlite
