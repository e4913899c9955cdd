#include "store/postgres/postgres_audit_repository.hpp"

#include <variant>

#include "store/audit_sql.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

const std::string kCols = kAuditColumns;

const std::string kAppend =
    "INSERT INTO audit_events (at, actor_id, action, target_type, target_id, subject_user_id, "
    "ip, user_agent, outcome, details, request_id) "
    "VALUES ($1::timestamptz, $2::bigint, $3, $4, $5, $6::bigint, $7, $8, $9, $10::jsonb, $11) "
    "RETURNING id";
const std::string kAfter =
    "SELECT " + kCols + " FROM audit_events WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint";
// A bounded batch by the `at` index, so retention never holds locks for long.
const std::string kPurge =
    "WITH gone AS (DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events "
    "WHERE at < $1::timestamptz ORDER BY at LIMIT $2::bigint) RETURNING 1) "
    "SELECT count(*) FROM gone";

Result<AuditEvent> decode(const PgRow& row) { return decode_audit_event(row); }

// Runs an assembled read (store/audit_sql.hpp); reads are retried on a new connection.
Result<PgResult> run(PgClient& client, const AssembledSql& query) {
  Params params;
  params.reserve(query.params.size());
  for (const SqlValue& value : query.params) {
    params.push_back(std::visit([](const auto& v) { return param(v); }, value));
  }
  return client.query(query.sql, params, Retry::kIdempotent);
}

}  // namespace

Result<std::int64_t> PostgresAuditRepository::append(const AuditEvent& event) {
  // Not retried: an insert that did commit would be recorded twice.
  auto res =
      client_.query(kAppend,
                    {param(audit_time(event)), param(event.actor_id), param(event.action),
                     param(event.target_type), param(event.target_id), param(event.subject_user_id),
                     param(event.ip), param(event.user_agent), param(event.outcome),
                     param(audit_details(event)), param(event.request_id)},
                    Retry::kNever);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::vector<AuditEvent>> PostgresAuditRepository::list(const AuditQuery& q,
                                                              std::int64_t offset,
                                                              std::int64_t limit) {
  if (limit <= 0) return std::vector<AuditEvent>();
  auto res = run(client_, audit_list_sql(q, offset, limit, SqlDialect::kPostgres));
  if (!res) return res.error();
  return decode_all<AuditEvent>(*res, decode);
}

Result<std::int64_t> PostgresAuditRepository::count(const AuditQuery& q) {
  auto res = run(client_, audit_count_sql(q, SqlDialect::kPostgres));
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::vector<AuditEvent>> PostgresAuditRepository::list_after(std::int64_t after_id,
                                                                    std::int64_t limit) {
  if (limit <= 0) return std::vector<AuditEvent>();
  auto res = client_.query(kAfter, {param(after_id), param(limit)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<AuditEvent>(*res, decode);
}

Result<std::int64_t> PostgresAuditRepository::purge_before(Timestamp before, std::int64_t limit) {
  if (limit <= 0) return 0;
  // Retried: a batch that did commit is gone, and the next one is just as good.
  auto res = client_.query(kPurge, {param(before), param(limit)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

}  // namespace gatehouse::store::postgres
