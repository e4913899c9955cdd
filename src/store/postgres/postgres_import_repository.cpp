#include "store/postgres/postgres_import_repository.hpp"

#include "store/import_rows.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/string_list_json.hpp"

namespace gatehouse::store::postgres {

namespace {

// Each list arrives as one JSON array parameter (store/import_rows.hpp). Two index lookups
// joined by UNION: one WHERE with OR over both lists made PostgreSQL scan the whole table for
// every batch. Key ids come from a UUID column of the source, so the cast cannot fail.
const std::string kUsersMatching =
    "SELECT id, email, role::text FROM users "
    "WHERE id = ANY(ARRAY(SELECT value::bigint FROM json_array_elements_text($1::json))) "
    "UNION SELECT id, email, role::text FROM users "
    "WHERE email = ANY(ARRAY(SELECT value FROM json_array_elements_text($2::json)))";
const std::string kKeysMatching =
    "SELECT id, user_id, key FROM api_keys "
    "WHERE id = ANY(ARRAY(SELECT value::uuid FROM json_array_elements_text($1::json))) "
    "UNION SELECT id, user_id, key FROM api_keys "
    "WHERE key = ANY(ARRAY(SELECT value FROM json_array_elements_text($2::json)))";
const std::string kInsertUsers =
    "INSERT INTO users (id, email, password, first_name, last_name, role, banned, verified, "
    "created_at, updated_at, tokens_valid_after) "
    "SELECT r.id, r.email, r.password, r.first_name, r.last_name, r.role::roletype, r.banned, "
    "r.verified, $2::timestamptz, $2::timestamptz, $2::timestamptz "
    "FROM json_to_recordset($1::json) AS r(id integer, email text, password text, "
    "first_name text, last_name text, role text, banned boolean, verified boolean)";
// scopes stays JSON until here, so a JSON null is SQL NULL and an array becomes VARCHAR[].
const std::string kInsertKeys =
    "INSERT INTO api_keys (id, user_id, key, name, created_at, is_active, scopes, last_used_at) "
    "SELECT r.id, r.user_id, r.key, r.name, r.created_at, r.is_active, "
    "CASE WHEN r.scopes IS NULL OR json_typeof(r.scopes) = 'null' THEN NULL "
    "ELSE ARRAY(SELECT json_array_elements_text(r.scopes))::varchar[] END, r.last_used_at "
    "FROM json_to_recordset($1::json) AS r(id uuid, user_id integer, key text, name text, "
    "created_at timestamptz, is_active boolean, scopes json, last_used_at timestamptz)";
// setval(max) makes the next id max + 1; only when that moves the sequence forward (users
// deleted above the imported ids keep their gap, as SERIAL always does).
const std::string kAdvanceIds =
    "SELECT setval('users_id_seq', m.max_id) FROM (SELECT max(id) AS max_id FROM users) AS m, "
    "users_id_seq AS s WHERE m.max_id > s.last_value OR (NOT s.is_called AND m.max_id >= "
    "s.last_value)";
// pg_advisory_xact_lock key serialising import batches across processes: "gh-impor" in ASCII,
// so it is recognisable in pg_locks (the migrations' key is "gatehous").
constexpr std::int64_t kImportLockKey = 0x67682d69'6d706f72;
const std::string kLockBatch = "SELECT pg_advisory_xact_lock($1::bigint)";

}  // namespace

Result<std::vector<StoredUserIdentity>> PostgresImportRepository::users_matching(
    const std::vector<std::int64_t>& ids, const std::vector<std::string>& emails) {
  auto res =
      client_.query(kUsersMatching, {param(id_list_json(ids)), param(encode_string_list(emails))},
                    Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<StoredUserIdentity>(*res, [](const PgRow& row) -> Result<StoredUserIdentity> {
    return StoredUserIdentity{row.int64(0).value_or(0), row.text(1), row.text(2)};
  });
}

Result<std::vector<StoredKeyIdentity>> PostgresImportRepository::api_keys_matching(
    const std::vector<std::string>& ids, const std::vector<std::string>& key_hashes) {
  auto res = client_.query(kKeysMatching,
                           {param(encode_string_list(ids)), param(encode_string_list(key_hashes))},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<StoredKeyIdentity>(*res, [](const PgRow& row) -> Result<StoredKeyIdentity> {
    return StoredKeyIdentity{row.text(0), row.int64(1).value_or(0), row.text(2)};
  });
}

Status PostgresImportRepository::insert_users(const std::vector<ImportedUser>& users,
                                              Timestamp at) {
  if (users.empty()) return ok();
  if (auto s = check_imported_users(users); !s) return s;
  auto res = client_.query(kInsertUsers, {param(users_json(users)), param(at)}, Retry::kNever);
  if (!res) return res.error();
  return ok();
}

Status PostgresImportRepository::insert_api_keys(const std::vector<ImportedApiKey>& keys) {
  if (keys.empty()) return ok();
  if (auto s = check_imported_api_keys(keys); !s) return s;
  auto res = client_.query(kInsertKeys, {param(api_keys_json(keys))}, Retry::kNever);
  if (!res) return res.error();
  return ok();
}

// Inside the batch's transaction (never retried there). Under READ COMMITTED each later
// statement takes a new snapshot, so the lookups after the lock see what the import that held
// it before committed.
Status PostgresImportRepository::lock_for_batch() {
  auto res = client_.query(kLockBatch, {param(kImportLockKey)}, Retry::kNever);
  if (!res) return res.error();
  return ok();
}

Status PostgresImportRepository::advance_user_ids() {
  auto res = client_.query(kAdvanceIds, {}, Retry::kIdempotent);
  if (!res) return res.error();
  return ok();
}

}  // namespace gatehouse::store::postgres
