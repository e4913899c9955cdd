#pragma once
// One sqlite3 handle with its cache of prepared statements. Used by one thread at a time
// (checked out of the pool), so the handle is opened without SQLite's own mutex.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace gatehouse::store::sqlite {

// A cached prepared statement, borrowed for one execution: reset and unbound when it goes
// out of scope so the next user of the connection finds it clean. Parameter indexes are
// 1-based (SQLite's), column indexes 0-based.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, const std::string* path) noexcept
      : db_(db), stmt_(stmt), path_(path) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, bool value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  // Without this a string literal would pick the bool overload.
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind_null(int index);

  // true: a row is available; false: done. The mapped error on failure.
  Result<bool> step();

  // Row access for store/row_decoding.hpp.
  bool is_null(int col) const;
  std::string text(int col) const;
  std::optional<std::int64_t> int64(int col) const;
  std::optional<bool> boolean(int col) const;

  // Rows changed by the last completed INSERT/UPDATE/DELETE on this connection.
  std::int64_t changes() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  const std::string* path_;
};

// PASSIVE copies what it can without waiting; RESTART also waits (busy timeout) until no
// reader uses the WAL, so the next writer starts it from the beginning.
enum class CheckpointMode { kPassive, kRestart };

class Connection {
 public:
  // Opens `path` and applies the connection settings (WAL, busy_timeout, foreign_keys,
  // synchronous) and registers gh_lower(text): lower case by the C.UTF-8 locale's Unicode
  // mapping, as PostgreSQL's lower() in a UTF-8 database (SQLite's own lower() folds ASCII
  // only; without that locale gh_lower() does too). kUnavailable naming the path when the
  // file cannot be opened or is not a database.
  static Result<std::unique_ptr<Connection>> open(const std::string& path);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // The statement for `sql`, compiled on first use and cached for the connection's life.
  Result<Statement> prepare(const std::string& sql);

  // Runs one or more statements without results (transactions, migrations, DDL).
  Status exec(const std::string& sql);

  // Copies WAL frames back into the database file (store/sqlite/wal_checkpointer.hpp) and
  // returns how many frames the WAL held. A RESTART that gave up waiting for readers is no
  // error: what it copied stays copied.
  Result<int> checkpoint(CheckpointMode mode);

  // Inside a transaction (BEGIN without its COMMIT or ROLLBACK yet).
  bool in_transaction() const;

  // How long a statement waits for a lock before failing busy (5 s after open).
  void set_busy_timeout(std::chrono::milliseconds timeout);

  const std::string& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// Maps the connection's last error (after a call that returned `rc`) to our Error:
// unique violation -> kConflict, foreign key -> kNotFound, CHECK/NOT NULL -> kBadRequest,
// busy/locked/I/O/cannot open -> kUnavailable, anything else -> kInternal.
Error map_error(sqlite3* db, int rc, const std::string& path, std::string_view what);

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded. IMMEDIATE takes the
// write lock up front, so two writers queue on busy_timeout instead of one of them failing
// with SQLITE_BUSY when it upgrades a read transaction. On a connection already inside a
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

}  // namespace gatehouse::store::sqlite
