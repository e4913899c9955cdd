#pragma once
// Decoding helpers over PgClient::query results.
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "store/postgres/pg_client.hpp"
#include "store/sql_label.hpp"

namespace gatehouse::store::postgres {

// Runs a (prepared) statement on a connection the caller holds, inside a Transaction from
// PgClient::with_connection; the mapped error when it fails.
inline Result<PgResult> execute(Connection& conn, const std::string& sql, const Params& params) {
  PgResult res = conn.execute(sql, params);
  if (!res.ok()) return conn.error(res, sql_label(sql));
  return res;
}

// Every row of `res` through `decode(const PgRow&) -> Result<T>`.
template <class T, class Decode>
Result<std::vector<T>> decode_all(const PgResult& res, Decode&& decode) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(res.rows()));
  for (int r = 0; r < res.rows(); ++r) {
    auto value = decode(PgRow(res, r));
    if (!value) return value.error();
    out.push_back(std::move(*value));
  }
  return out;
}

// The first row of `res`, nullopt when there is none.
template <class T, class Decode>
Result<std::optional<T>> decode_first(const PgResult& res, Decode&& decode) {
  if (res.rows() == 0) return std::optional<T>();
  auto value = decode(PgRow(res, 0));
  if (!value) return value.error();
  return std::optional<T>(std::move(*value));
}

// The integer in the first column of the first row (counts).
inline Result<std::int64_t> decode_scalar(const PgResult& res) {
  if (res.rows() == 0) return Error::internal("scalar query yielded no row");
  auto v = PgRow(res, 0).int64(0);
  if (!v) return Error::internal("expected an integer column");
  return *v;
}

}  // namespace gatehouse::store::postgres
