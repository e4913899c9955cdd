#pragma once
// One libpq connection with its lazily prepared statements, and the owning wrapper of a
// PGresult. Parameters and results travel in text format.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"

struct pg_conn;
struct pg_result;

namespace gatehouse::store::postgres {

// A text parameter; nullopt is SQL NULL.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

inline Param param(std::int64_t v) { return std::to_string(v); }
inline Param param(bool v) { return v ? "true" : "false"; }
inline Param param(const std::string& v) { return v; }
inline Param param(const char* v) { return std::string(v); }
inline Param param(Timestamp t) { return format_iso8601(t); }
inline Param param(const std::optional<std::int64_t>& v) {
  return v ? Param(std::to_string(*v)) : std::nullopt;
}
inline Param param(const std::optional<Timestamp>& t) {
  return t ? Param(format_iso8601(*t)) : std::nullopt;
}

// Owns a PGresult (which outlives the connection that produced it).
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* res) : res_(res) {}

  // True for a completed command or query.
  bool ok() const;
  int rows() const;
  pg_result* get() const { return res_.get(); }

  // Row access for store/row_decoding.hpp through PgRow.
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> res_;
};

// One row of a PgResult, in the shape store/row_decoding.hpp expects.
class PgRow {
 public:
  PgRow(const PgResult& res, int row) : res_(res), row_(row) {}
  bool is_null(int col) const { return res_.is_null(row_, col); }
  std::string text(int col) const { return res_.text(row_, col); }
  std::optional<std::int64_t> int64(int col) const;
  std::optional<bool> boolean(int col) const;

 private:
  const PgResult& res_;
  int row_;
};

struct ConnectOptions {
  std::string url;  // libpq URL or key=value string (contains the password)
  int connect_timeout_seconds = 5;
  std::vector<std::string> secrets;  // redacted from every message (pg_dsn.hpp)
};

class Connection {
 public:
  // Connects and sets the session up (UTC time zone, ISO dates, UTF-8). kUnavailable with
  // libpq's message, password redacted, when the server cannot be reached or refuses us.
  static Result<std::unique_ptr<Connection>> open(const ConnectOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs `sql` as a statement prepared on this connection at first use. A failed result
  // (check ok()) is returned as is; see broken() and error().
  PgResult execute(const std::string& sql, const Params& params);

  // Runs `sql` unprepared: for one-off statements (migrations, admin) that should not
  // occupy a prepared-statement slot.
  PgResult execute_once(const std::string& sql, const Params& params);

  // Runs one or more parameterless statements in the simple protocol (migration scripts).
  PgResult execute_script(const std::string& sql);

  // The connection can no longer be used (the server went away or closed it).
  bool broken() const;

  // True when the connection is idle, outside a transaction, and the server has sent
  // nothing since the last result. An idle connection with unread data or EOF means the
  // server terminated it (shutdown, restart, idle timeout): checked before every use so a
  // dead connection is replaced before a statement is sent on it.
  bool ready_for_use() const;

  // Inside a transaction block (BEGIN without its COMMIT or ROLLBACK yet), failed or not.
  bool in_transaction() const;
  // Inside a transaction block that a failed statement aborted: only ROLLBACK (or ROLLBACK TO
  // a savepoint) works now, and a COMMIT would roll back.
  bool transaction_failed() const;

  // Our Error for the failed `res` (or the connection's state when res is null):
  // unique violation -> kConflict, foreign key -> kNotFound, bad value -> kBadRequest,
  // connection trouble or server shutting down -> kUnavailable, else kInternal.
  Error error(const PgResult& res, const std::string& what) const;

  // kUnavailable describing the broken connection.
  Error connection_error(const std::string& what) const;

 private:
  Connection(pg_conn* conn, std::vector<std::string> secrets)
      : conn_(conn), secrets_(std::move(secrets)) {}

  std::string last_message() const;

  pg_conn* conn_;
  std::vector<std::string> secrets_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// BEGIN ... COMMIT, rolled back unless commit() succeeded. On a connection already inside a
// transaction (Database::in_transaction) it is a SAVEPOINT instead: commit() releases it
// into the outer transaction, destruction without commit() rolls back to it.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& conn);
  Transaction(Transaction&& other) noexcept
      : conn_(std::exchange(other.conn_, nullptr)), savepoint_(other.savepoint_) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status commit();

 private:
  Transaction(Connection& conn, bool savepoint) : conn_(&conn), savepoint_(savepoint) {}
  Connection* conn_;
  bool savepoint_;
};

}  // namespace gatehouse::store::postgres
