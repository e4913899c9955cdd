#include "store/sqlite/sqlite_used_token_repository.hpp"

#include "store/sqlite/sqlite_query.hpp"

namespace gatehouse::store::sqlite {

namespace {

// The primary key decides: of two concurrent inserts of one jti, exactly one adds a row.
const std::string kConsume =
    "INSERT INTO used_tokens (jti, kind, used_at, expires_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO NOTHING RETURNING 1";
const std::string kPurge = "DELETE FROM used_tokens WHERE expires_at < ?1";

}  // namespace

Result<bool> SqliteUsedTokenRepository::consume(const std::string& jti, const std::string& kind,
                                                Timestamp expires_at) {
  auto rows = fetch_all<std::int64_t>(pool_, kConsume, decode_int64, jti, kind,
                                      format_iso8601(now_utc()), format_iso8601(expires_at));
  if (!rows) return rows.error();
  return !rows->empty();
}

Result<std::int64_t> SqliteUsedTokenRepository::purge_expired(Timestamp now) {
  return execute(pool_, kPurge, format_iso8601(now));
}

}  // namespace gatehouse::store::sqlite
