#pragma once
// The statements of AuditRepository::list and count, assembled from the filters that are set,
// the same on both backends but for placeholders ("?N" on SQLite, "$N::type" on PostgreSQL):
// each filter combination gets a statement of its own, so each is planned for its indexes
// (migrations/*/0005_audit.sql). The `user_id` filter (actor_id or subject_user_id) is a UNION
// of two index range scans, newest first, each cut at offset + limit rows, so a page reads
// O(offset + limit) index entries, never the whole table.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/audit_repository.hpp"

namespace gatehouse::store {

enum class SqlDialect { kSqlite, kPostgres };

// A parameter of an assembled statement: an integer or a text (timestamps as ISO-8601 text).
using SqlValue = std::variant<std::int64_t, std::string>;

struct AssembledSql {
  std::string sql;
  std::vector<SqlValue> params;  // in placeholder order: params[0] is ?1 / $1
};

// Events matching `q`, newest first, skipping `offset` (< 0: 0), at most `limit` (>= 1).
AssembledSql audit_list_sql(const AuditQuery& q, std::int64_t offset, std::int64_t limit,
                            SqlDialect dialect);

// How many events match `q`: one row, one integer column.
AssembledSql audit_count_sql(const AuditQuery& q, SqlDialect dialect);

// What append() stores for `event`: its `at`, or now when left unset (Timestamp{}); its
// details, or "{}" when empty.
Timestamp audit_time(const AuditEvent& event);
std::string audit_details(const AuditEvent& event);

}  // namespace gatehouse::store
