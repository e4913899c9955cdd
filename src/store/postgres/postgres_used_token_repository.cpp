#include "store/postgres/postgres_used_token_repository.hpp"

#include "store/postgres/pg_query.hpp"

namespace gatehouse::store::postgres {

namespace {

// The primary key decides: of two concurrent inserts of one jti, exactly one adds a row.
const std::string kConsume =
    "INSERT INTO used_tokens (jti, kind, used_at, expires_at) "
    "VALUES ($1, $2, $3::timestamptz, $4::timestamptz) ON CONFLICT DO NOTHING RETURNING 1";
const std::string kPurge =
    "WITH gone AS (DELETE FROM used_tokens WHERE expires_at < $1::timestamptz RETURNING 1) "
    "SELECT count(*) FROM gone";

}  // namespace

Result<bool> PostgresUsedTokenRepository::consume(const std::string& jti, const std::string& kind,
                                                  Timestamp expires_at) {
  // Not retried: after an insert that did commit, a second attempt would report the token
  // spent by someone else.
  auto res = client_.query(kConsume, {param(jti), param(kind), param(now_utc()), param(expires_at)},
                           Retry::kNever);
  if (!res) return res.error();
  return res->rows() > 0;
}

Result<std::int64_t> PostgresUsedTokenRepository::purge_expired(Timestamp now) {
  auto res = client_.query(kPurge, {param(now)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

}  // namespace gatehouse::store::postgres
