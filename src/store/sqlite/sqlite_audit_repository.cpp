#include "store/sqlite/sqlite_audit_repository.hpp"

#include "store/audit_sql.hpp"
#include "store/row_decoding.hpp"
#include "store/sqlite/sqlite_query.hpp"

namespace gatehouse::store::sqlite {

namespace {

const std::string kCols = kAuditColumns;

const std::string kAppend =
    "INSERT INTO audit_events (at, actor_id, action, target_type, target_id, subject_user_id, "
    "ip, user_agent, outcome, details, request_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id";
const std::string kAfter =
    "SELECT " + kCols + " FROM audit_events WHERE id > ?1 ORDER BY id LIMIT ?2";
// A bounded batch by the `at` index, so retention never holds the write lock for long.
const std::string kPurge =
    "DELETE FROM audit_events WHERE id IN "
    "(SELECT id FROM audit_events WHERE at < ?1 ORDER BY at LIMIT ?2)";

Result<AuditEvent> decode(const Statement& row) { return decode_audit_event(row); }

}  // namespace

Result<std::int64_t> append_audit_event(Connection& conn, const AuditEvent& event) {
  auto id = fetch_optional<std::int64_t>(
      conn, kAppend, decode_int64, format_iso8601(audit_time(event)), event.actor_id, event.action,
      event.target_type, event.target_id, event.subject_user_id, event.ip, event.user_agent,
      event.outcome, audit_details(event), event.request_id);
  if (!id) return id.error();
  if (!*id) return Error::internal("INSERT ... RETURNING yielded no row");
  return **id;
}

Result<std::int64_t> SqliteAuditRepository::append(const AuditEvent& event) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  return append_audit_event(**lease, event);
}

Result<std::vector<AuditEvent>> SqliteAuditRepository::list(const AuditQuery& q,
                                                            std::int64_t offset,
                                                            std::int64_t limit) {
  if (limit <= 0) return std::vector<AuditEvent>();
  return fetch_all<AuditEvent>(pool_, audit_list_sql(q, offset, limit, SqlDialect::kSqlite),
                               decode);
}

Result<std::int64_t> SqliteAuditRepository::count(const AuditQuery& q) {
  auto rows = fetch_all<std::int64_t>(pool_, audit_count_sql(q, SqlDialect::kSqlite), decode_int64);
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

Result<std::vector<AuditEvent>> SqliteAuditRepository::list_after(std::int64_t after_id,
                                                                  std::int64_t limit) {
  if (limit <= 0) return std::vector<AuditEvent>();
  return fetch_all<AuditEvent>(pool_, kAfter, decode, after_id, limit);
}

Result<std::int64_t> SqliteAuditRepository::purge_before(Timestamp before, std::int64_t limit) {
  if (limit <= 0) return 0;
  return execute(pool_, kPurge, format_iso8601(before), limit);
}

}  // namespace gatehouse::store::sqlite
