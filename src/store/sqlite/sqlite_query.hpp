#pragma once
// Helpers that run one cached statement on a pooled connection: check out, bind the
// parameters in order (?1, ?2, ...), step every row through a decoder, return the lease.
// The Connection& overloads run on a connection the caller holds (inside a Transaction).
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "store/audit_sql.hpp"
#include "store/query_timer.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

// Steps a bound statement to its end, each row turned into a T by `decode`.
template <class T, class Decode>
Result<std::vector<T>> step_all(Statement& stmt, Decode&& decode) {
  std::vector<T> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.error();
    if (!*row) break;
    auto value = decode(stmt);
    if (!value) return value.error();
    out.push_back(std::move(*value));
  }
  return out;
}

// All rows of `sql`, each turned into a T by `decode(const Statement&) -> Result<T>`.
template <class T, class Decode, class... Params>
Result<std::vector<T>> fetch_all(Connection& conn, const std::string& sql, Decode&& decode,
                                 const Params&... params) {
  const QueryTimer timer(sql);
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.error();
  int index = 0;
  (stmt->bind(++index, params), ...);
  return step_all<T>(*stmt, std::forward<Decode>(decode));
}

// All rows of a statement assembled at run time (store/audit_sql.hpp).
template <class T, class Decode>
Result<std::vector<T>> fetch_all(Pool& pool, const AssembledSql& query, Decode&& decode) {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  const QueryTimer timer(query.sql);
  auto stmt = (*lease)->prepare(query.sql);
  if (!stmt) return stmt.error();
  int index = 0;
  for (const SqlValue& value : query.params) {
    std::visit([&](const auto& v) { stmt->bind(++index, v); }, value);
  }
  return step_all<T>(*stmt, std::forward<Decode>(decode));
}

template <class T, class Decode, class... Params>
Result<std::vector<T>> fetch_all(Pool& pool, const std::string& sql, Decode&& decode,
                                 const Params&... params) {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  return fetch_all<T>(**lease, sql, std::forward<Decode>(decode), params...);
}

// The first row of `sql` (run to completion), nullopt when it yields none.
template <class T, class Decode, class... Params>
Result<std::optional<T>> fetch_optional(Pool& pool, const std::string& sql, Decode&& decode,
                                        const Params&... params) {
  auto rows = fetch_all<T>(pool, sql, std::forward<Decode>(decode), params...);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

template <class T, class Decode, class... Params>
Result<std::optional<T>> fetch_optional(Connection& conn, const std::string& sql, Decode&& decode,
                                        const Params&... params) {
  auto rows = fetch_all<T>(conn, sql, std::forward<Decode>(decode), params...);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

// Runs a statement without results; the number of rows it changed.
template <class... Params>
Result<std::int64_t> execute(Connection& conn, const std::string& sql, const Params&... params) {
  const QueryTimer timer(sql);
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.error();
  int index = 0;
  (stmt->bind(++index, params), ...);
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
  }
  return stmt->changes();
}

template <class... Params>
Result<std::int64_t> execute(Pool& pool, const std::string& sql, const Params&... params) {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  return execute(**lease, sql, params...);
}

// Decoder for a single integer column (counts, returned ids).
inline Result<std::int64_t> decode_int64(const Statement& row) {
  auto v = row.int64(0);
  if (!v) return Error::internal("expected an integer column");
  return *v;
}

}  // namespace gatehouse::store::sqlite
