#include "store/sqlite/sqlite_connection.hpp"

#include <locale.h>
#include <sqlite3.h>
#include <wctype.h>

#include "store/sql_label.hpp"

namespace gatehouse::store::sqlite {

namespace {

constexpr int kBusyTimeoutMs = 5000;

// Per-connection settings. journal_mode=WAL is persistent in the file but cheap to repeat;
// the rest are per connection. synchronous=NORMAL is safe with WAL (a crash may lose the
// last commits, never corrupt the file) and avoids an fsync per commit. No automatic
// checkpoints: SQLite would run them inside whichever commit crosses 1000 pages, on a request;
// the database's WalCheckpointer runs them on a thread of its own. journal_size_limit
// truncates the WAL file after a reset so a burst does not keep its disk space.
constexpr const char* kConnectionPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
    "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";

Error unavailable(const std::string& path, std::string_view what, const char* detail) {
  return Error::unavailable("Database unavailable",
                            "SQLite database '" + path + "': " + std::string(what) + ": " + detail);
}

// The C.UTF-8 locale for towlower_l, loaded once; nullptr where the system lacks it.
locale_t utf8_ctype() {
  static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return kUtf8;
}

// Lower-cases UTF-8 text code point by code point. Bytes that are not valid UTF-8 are copied
// unchanged, so the function never fails on stored data.
std::string utf8_lower(const unsigned char* p, std::size_t n) {
  const locale_t loc = utf8_ctype();
  std::string out;
  out.reserve(n);
  auto put = [&out](char32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  };
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool valid = len > 0 && i + len <= n;
    char32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    for (std::size_t k = 1; valid && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (!valid) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (loc != static_cast<locale_t>(nullptr)) {
      cp = static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc));
    }
    put(cp);
    i += len;
  }
  return out;
}

void gh_lower(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const unsigned char* text = sqlite3_value_text(argv[0]);
  const int bytes = sqlite3_value_bytes(argv[0]);
  if (text == nullptr) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  const std::string lowered = utf8_lower(text, static_cast<std::size_t>(bytes));
  sqlite3_result_text(ctx, lowered.data(), static_cast<int>(lowered.size()), SQLITE_TRANSIENT);
}

}  // namespace

Error map_error(sqlite3* db, int rc, const std::string& path, std::string_view what) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string cause = "SQLite '" + path + "': " + sql_label(what) + ": " + message;
  auto with_cause = [&cause](Error e) {
    e.cause = cause;
    return e;
  };
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return with_cause(Error::conflict("Conflict"));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return with_cause(Error::not_found("Referenced row not found"));
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return with_cause(Error::invalid_input("Invalid value"));
    default:
      break;
  }
  switch (extended & 0xFF) {
    // Lock waits past busy_timeout and a file we cannot use: the database, not the request,
    // is the problem.
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Error::unavailable("Database unavailable", cause);
    default:
      return Error::internal(cause);
  }
}

// Statement

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), path_(other.path_) {}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, bool value) {
  sqlite3_bind_int(stmt_, index, value ? 1 : 0);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so the caller's temporaries may die before step().
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return map_error(db_, rc, *path_, sqlite3_sql(stmt_));
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::int64_t> Statement::int64(int col) const {
  if (sqlite3_column_type(stmt_, col) != SQLITE_INTEGER) return std::nullopt;
  return sqlite3_column_int64(stmt_, col);
}

std::optional<bool> Statement::boolean(int col) const {
  const auto v = int64(col);
  if (!v) return std::nullopt;
  return *v != 0;
}

std::int64_t Statement::changes() const { return sqlite3_changes64(db_); }

// Connection

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
  // Before SQLite's first use: no allocation statistics, so sqlite3_malloc takes no global
  // mutex (measured: it was a contended lock on the per-request read path). Later calls
  // are refused by SQLite and change nothing.
  static const bool kConfigured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)kConfigured;
  sqlite3* db = nullptr;
  // NOMUTEX: the pool hands a connection to one thread at a time.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e =
        unavailable(path, "cannot open", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return e;
  }
  std::unique_ptr<Connection> conn(new Connection(db, path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // A file that exists but is not a database opens fine and fails here.
  char* err = nullptr;
  if (sqlite3_exec(db, kConnectionPragmas, nullptr, nullptr, &err) != SQLITE_OK) {
    Error e = unavailable(path, "cannot configure", err != nullptr ? err : "unknown error");
    sqlite3_free(err);
    return e;
  }
  if (sqlite3_create_function_v2(db, "gh_lower", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                 gh_lower, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return unavailable(path, "cannot register gh_lower", sqlite3_errmsg(db));
  }
  return conn;
}

Result<int> Connection::checkpoint(CheckpointMode mode) {
  int log_frames = 0;
  const int rc = sqlite3_wal_checkpoint_v2(
      db_, nullptr,
      mode == CheckpointMode::kRestart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE,
      &log_frames, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return map_error(db_, rc, path_, "checkpoint");
  return log_frames;
}

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::set_busy_timeout(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return map_error(db_, rc, path_, sql);
    it = statements_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second, &path_);
}

Status Connection::exec(const std::string& sql) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return map_error(db_, rc, path_, sql);
  return ok();
}

// Transaction

Result<Transaction> Transaction::begin(Connection& conn) {
  const bool savepoint = conn.in_transaction();
  if (auto s = conn.exec(savepoint ? "SAVEPOINT gh_tx" : "BEGIN IMMEDIATE"); !s) return s.error();
  return Transaction(conn, savepoint);
}

Transaction::~Transaction() {
  if (conn_ == nullptr) return;
  // ROLLBACK TO keeps the savepoint open; RELEASE then ends it (its changes undone).
  (void)conn_->exec(savepoint_ ? "ROLLBACK TO gh_tx; RELEASE gh_tx" : "ROLLBACK");
}

Status Transaction::commit() {
  auto s = conn_->exec(savepoint_ ? "RELEASE gh_tx" : "COMMIT");
  if (s) conn_ = nullptr;  // on failure the destructor still rolls back
  return s;
}

}  // namespace gatehouse::store::sqlite
