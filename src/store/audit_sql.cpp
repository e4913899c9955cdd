#include "store/audit_sql.hpp"

#include <algorithm>
#include <utility>

#include "store/row_decoding.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

namespace {

// Collects the parameters and names their placeholders.
class Assembler {
 public:
  explicit Assembler(SqlDialect dialect) : dialect_(dialect) {}

  // The placeholder of a new parameter `value`; `pg_type` is its PostgreSQL cast.
  std::string add(SqlValue value, const char* pg_type) {
    params_.push_back(std::move(value));
    const std::string n = std::to_string(params_.size());
    return dialect_ == SqlDialect::kSqlite ? "?" + n : "$" + n + "::" + pg_type;
  }

  AssembledSql finish(std::string sql) { return {std::move(sql), std::move(params_)}; }

 private:
  SqlDialect dialect_;
  std::vector<SqlValue> params_;
};

// " AND action = ? AND at >= ? AND at <= ?" for the filters of `q` other than user_id.
std::string other_filters(const AuditQuery& q, Assembler& a) {
  std::string out;
  if (q.action) out += " AND action = " + a.add(*q.action, "text");
  if (q.since) out += " AND at >= " + a.add(format_iso8601(*q.since), "timestamptz");
  if (q.until) out += " AND at <= " + a.add(format_iso8601(*q.until), "timestamptz");
  return out;
}

// The filters of `q` as a WHERE clause for one scan of audit_events; empty when none.
std::string where_clause(const std::string& filters) {
  constexpr std::string_view kAnd = " AND ";
  return filters.empty() ? std::string() : " WHERE " + filters.substr(kAnd.size());
}

// The predicate of the partial actor index (migration 0006), which the actor branch of a
// user_id filter repeats so the index may serve it: events a user did to themselves are found
// through the subject index.
std::string actor_not_subject(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? " AND actor_id IS NOT subject_user_id"
                                        : " AND actor_id IS DISTINCT FROM subject_user_id";
}

}  // namespace

AssembledSql audit_list_sql(const AuditQuery& q, std::int64_t offset, std::int64_t limit,
                            SqlDialect dialect) {
  offset = std::max<std::int64_t>(offset, 0);
  const std::string cols = kAuditColumns;
  Assembler a(dialect);
  if (!q.user_id) {
    const std::string where = where_clause(other_filters(q, a));
    return a.finish("SELECT " + cols + " FROM audit_events" + where + " ORDER BY id DESC LIMIT " +
                    a.add(limit, "bigint") + " OFFSET " + a.add(offset, "bigint"));
  }
  const std::string user = a.add(*q.user_id, "bigint");
  const std::string filters = other_filters(q, a);
  const std::string first_rows = a.add(offset + limit, "bigint");
  // The newest offset + limit events by one column's index: the page lies within the union
  // of the two.
  auto newest_by = [&](const std::string& condition, const char* alias) {
    return "SELECT " + cols + " FROM (SELECT " + cols + " FROM audit_events WHERE " + condition +
           filters + " ORDER BY id DESC LIMIT " + first_rows + ") AS " + alias;
  };
  std::string sql = newest_by("actor_id = " + user + actor_not_subject(dialect), "by_actor") +
                    " UNION " + newest_by("subject_user_id = " + user, "by_subject") +
                    " ORDER BY id DESC LIMIT " + a.add(limit, "bigint");
  sql += " OFFSET " + a.add(offset, "bigint");
  return a.finish(std::move(sql));
}

AssembledSql audit_count_sql(const AuditQuery& q, SqlDialect dialect) {
  Assembler a(dialect);
  if (!q.user_id) {
    return a.finish("SELECT count(*) FROM audit_events" + where_clause(other_filters(q, a)));
  }
  const std::string user = a.add(*q.user_id, "bigint");
  const std::string filters = other_filters(q, a);
  return a.finish("SELECT count(*) FROM (SELECT id FROM audit_events WHERE actor_id = " + user +
                  actor_not_subject(dialect) + filters +
                  " UNION SELECT id FROM audit_events WHERE subject_user_id = " + user + filters +
                  ") AS matched");
}

Timestamp audit_time(const AuditEvent& event) {
  return event.at == Timestamp{} ? now_utc() : event.at;
}

std::string audit_details(const AuditEvent& event) {
  return event.details.empty() ? "{}" : event.details;
}

}  // namespace gatehouse::store
