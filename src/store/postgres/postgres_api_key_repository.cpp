#include "store/postgres/postgres_api_key_repository.hpp"

#include "core/ids.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/record_rules.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

// scopes leaves as JSON text, the form SQLite stores, so one decoder serves both backends.
const std::string kCols =
    "id, user_id, key, name, created_at, is_active, array_to_json(scopes), last_used_at, "
    "expires_at";

const std::string kInsert =
    "INSERT INTO api_keys (id, user_id, key, name, created_at, is_active, scopes, expires_at) "
    "VALUES ($1::uuid, $2::bigint, $3, $4, $5::timestamptz, $6::boolean, $7::varchar[], "
    "$8::timestamptz) "
    "RETURNING " +
    kCols;
const std::string kByHash = "SELECT " + kCols + " FROM api_keys WHERE key = $1";
const std::string kByHashWithOwner =
    "SELECT k.id, k.user_id, k.key, k.name, k.created_at, k.is_active, array_to_json(k.scopes), "
    "k.last_used_at, k.expires_at, " +
    user_columns_of("u") +
    " FROM api_keys AS k JOIN users AS u ON u.id = k.user_id WHERE k.key = $1";
const std::string kById = "SELECT " + kCols + " FROM api_keys WHERE id = $1::uuid";
const std::string kForUser =
    "SELECT " + kCols + " FROM api_keys WHERE user_id = $1::bigint ORDER BY created_at, id";
// NULL leaves a column as it is.
const std::string kUpdate =
    "UPDATE api_keys SET name = COALESCE($1, name), is_active = COALESCE($2::boolean, "
    "is_active) WHERE id = $3::uuid RETURNING " +
    kCols;
const std::string kDelete = "DELETE FROM api_keys WHERE id = $1::uuid RETURNING 1";
const std::string kTouch =
    "UPDATE api_keys SET last_used_at = $1::timestamptz WHERE id = $2::uuid RETURNING 1";
const std::string kReplaceHash =
    "UPDATE api_keys SET key = $1 WHERE id = $2::uuid AND key = $3 RETURNING 1";

Result<ApiKey> decode(const PgRow& row) { return decode_api_key(row); }

// PostgreSQL array input syntax: every element double-quoted, '"' and '\' escaped, so no
// element can be read as NULL or split on a comma.
Param array_literal(const std::optional<std::vector<std::string>>& items) {
  if (!items) return std::nullopt;
  std::string out = "{";
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (const char c : (*items)[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

}  // namespace

Result<ApiKey> PostgresApiKeyRepository::create(const NewApiKey& key) {
  if (auto s = check_new_api_key(key); !s) return s.error();
  auto res = client_.query(
      kInsert,
      {param(new_uuid()), param(key.user_id), param(key.key_hash), param(key.name),
       param(now_utc()), param(key.is_active), array_literal(key.scopes), param(key.expires_at)},
      Retry::kNever);
  if (!res) {
    Error e = res.error();
    if (e.is(ErrorCode::kConflict)) e.public_message = kApiKeyTaken;
    if (e.is(ErrorCode::kNotFound)) {
      e.code = ErrorCode::kUserNotFound;
      e.public_message = kUserNotFound;
    }
    return e;
  }
  auto row = decode_first<ApiKey>(*res, decode);
  if (!row) return row.error();
  if (!*row) return Error::internal("INSERT ... RETURNING yielded no row");
  return std::move(**row);
}

Result<std::optional<ApiKey>> PostgresApiKeyRepository::find_by_hash(const std::string& key_hash) {
  auto res = client_.query(kByHash, {param(key_hash)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<ApiKey>(*res, decode);
}

Result<std::optional<ApiKeyWithOwner>> PostgresApiKeyRepository::find_by_hash_with_owner(
    const std::string& key_hash) {
  auto res = client_.query(kByHashWithOwner, {param(key_hash)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<ApiKeyWithOwner>(
      *res, [](const PgRow& row) { return decode_api_key_with_owner(row); });
}

Result<std::optional<ApiKey>> PostgresApiKeyRepository::find_by_id(const std::string& id) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return std::optional<ApiKey>();
  auto res = client_.query(kById, {param(*uuid)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<ApiKey>(*res, decode);
}

Result<std::vector<ApiKey>> PostgresApiKeyRepository::list_for_user(std::int64_t user_id) {
  auto res = client_.query(kForUser, {param(user_id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<ApiKey>(*res, decode);
}

Result<std::optional<ApiKey>> PostgresApiKeyRepository::update_name_active(
    const std::string& id, const std::optional<std::string>& name, std::optional<bool> is_active) {
  if (name) {
    if (auto s = check_api_key_name(*name); !s) return s.error();
  }
  const auto uuid = canonical_uuid(id);
  if (!uuid) return std::optional<ApiKey>();
  const Param active = is_active ? param(*is_active) : Param();
  const Param new_name = name ? param(*name) : Param();
  auto res = client_.query(kUpdate, {new_name, active, param(*uuid)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_first<ApiKey>(*res, decode);
}

Result<bool> PostgresApiKeyRepository::remove(const std::string& id) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  // Not retried: a second attempt after a delete that did commit would report false.
  auto res = client_.query(kDelete, {param(*uuid)}, Retry::kNever);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<bool> PostgresApiKeyRepository::touch_last_used(const std::string& id, Timestamp when) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  auto res = client_.query(kTouch, {param(when), param(*uuid)}, Retry::kIdempotent);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<bool> PostgresApiKeyRepository::replace_hash(const std::string& id,
                                                    const std::string& old_hash,
                                                    const std::string& new_hash) {
  const auto uuid = canonical_uuid(id);
  if (!uuid) return false;
  // Idempotent: the WHERE on the old hash makes a repeated attempt a no-op.
  auto res = client_.query(kReplaceHash, {new_hash, param(*uuid), old_hash}, Retry::kIdempotent);
  if (!res) return res.error();
  return res->rows() > 0;
}

}  // namespace gatehouse::store::postgres
