#include "store/sqlite/sqlite_database.hpp"

#include <chrono>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_api_key_repository.hpp"
#include "store/sqlite/sqlite_audit_repository.hpp"
#include "store/sqlite/sqlite_import_repository.hpp"
#include "store/sqlite/sqlite_mfa_repository.hpp"
#include "store/sqlite/sqlite_outbox_repository.hpp"
#include "store/sqlite/sqlite_query.hpp"
#include "store/sqlite/sqlite_session_repository.hpp"
#include "store/sqlite/sqlite_used_token_repository.hpp"
#include "store/sqlite/sqlite_user_repository.hpp"
#include "store/sqlite/wal_checkpointer.hpp"

namespace gatehouse::store {

namespace {

using sqlite::Connection;
using sqlite::Pool;
using sqlite::Transaction;

// Waiting for a free handle as long as SQLite waits for a lock keeps one notion of "busy".
constexpr std::chrono::milliseconds kCheckoutTimeout{5000};

const std::string kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
const std::string kHasMigrationsTable =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
const std::string kMaxVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";
const std::string kIsApplied = "SELECT count(*) FROM schema_migrations WHERE version = ?1";
const std::string kRecord =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)";

std::size_t pool_size_for(const config::DatabaseSettings& settings) {
  if (settings.sqlite_path == ":memory:" || settings.sqlite_path.empty()) return 1;
  return settings.pool_size > 0 ? static_cast<std::size_t>(settings.pool_size) : 1;
}

// Runs a single-row integer query on an already checked-out connection.
Result<std::int64_t> scalar(Connection& conn, const std::string& sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("scalar query yielded no row: " + sql);
  return sqlite::decode_int64(*stmt);
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(const config::DatabaseSettings& settings)
      : path_(settings.sqlite_path.empty() ? ":memory:" : settings.sqlite_path),
        pool_(pool_size_for(settings), kCheckoutTimeout,
              [path = path_] { return Connection::open(path); }),
        users_(pool_),
        api_keys_(pool_),
        sessions_(pool_),
        used_tokens_(pool_),
        outbox_(pool_),
        mfa_(pool_),
        audit_(pool_),
        imports_(pool_) {
    // The pool's connections leave checkpoints to it (sqlite_connection.cpp). An in-memory
    // database has no WAL. If it cannot open, the pool's first checkout reports the same.
    if (path_ != ":memory:") {
      auto checkpointer = sqlite::WalCheckpointer::start(path_);
      if (checkpointer) checkpointer_ = std::move(*checkpointer);
    }
  }

  // Database
  std::string_view backend_name() const override { return "sqlite"; }

  Status ping() override {
    auto rows = sqlite::fetch_all<std::int64_t>(pool_, "SELECT 1", sqlite::decode_int64);
    if (!rows) return rows.error();
    return ok();
  }

  Status migrate() override {
    auto migrations = load_all_migrations(embedded_sqlite_migrations(), MigrationBackend::kSqlite);
    if (!migrations) return migrations.error();
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    Connection& conn = **lease;
    {
      auto tx = Transaction::begin(conn);
      if (!tx) return tx.error();
      if (auto s = conn.exec(kCreateMigrationsTable); !s) return s;
      if (auto s = tx->commit(); !s) return s;
    }
    for (const auto& m : *migrations) {
      if (auto s = apply(conn, m); !s) return s;
    }
    return ok();
  }

  Result<int> schema_version() override {
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    auto exists = scalar(**lease, kHasMigrationsTable);
    if (!exists) return exists.error();
    if (*exists == 0) return 0;
    auto version = scalar(**lease, kMaxVersion);
    if (!version) return version.error();
    return static_cast<int>(*version);
  }

  Status drop_all() override {
    {
      auto lease = pool_.acquire();
      if (!lease) return lease.error();
      auto tx = Transaction::begin(**lease);
      if (!tx) return tx.error();
      auto migrations =
          load_all_migrations(embedded_sqlite_migrations(), MigrationBackend::kSqlite);
      if (!migrations) return migrations.error();
      for (const std::string& table : created_objects(*migrations).tables) {
        if (auto s = (*lease)->exec("DROP TABLE IF EXISTS " + table); !s) return s;
      }
      if (auto s = (*lease)->exec("DROP TABLE IF EXISTS schema_migrations"); !s) return s;
      if (auto s = tx->commit(); !s) return s;
    }
    pool_.invalidate();  // cached statements refer to the dropped tables
    return ok();
  }

  UserRepository& users() override { return users_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }
  SessionRepository& sessions() override { return sessions_; }
  UsedTokenRepository& used_tokens() override { return used_tokens_; }
  OutboxRepository& outbox() override { return outbox_; }
  MfaRepository& mfa() override { return mfa_; }
  AuditRepository& audit() override { return audit_; }
  ImportRepository& imports() override { return imports_; }

  Pool* sqlite_pool() override { return &pool_; }

  // BEGIN IMMEDIATE: the write lock for the whole of fn, so its reads and writes see no other
  // writer (and fn should be short).
  Status in_transaction(const std::function<Status()>& fn) override {
    if (pool_.bound_connection() != nullptr) return fn();
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    return pool_.run_bound<Transaction>(*lease, fn);
  }

 private:
  // One migration in its own IMMEDIATE transaction: the write lock serialises concurrent
  // migrators (another process waits on busy_timeout, then sees the version recorded).
  Status apply(Connection& conn, const Migration& m) {
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    bool already_applied = false;
    {
      auto applied = conn.prepare(kIsApplied);
      if (!applied) return applied.error();
      applied->bind(1, static_cast<std::int64_t>(m.version));
      auto row = applied->step();
      if (!row) return row.error();
      already_applied = *row && applied->int64(0).value_or(0) > 0;
    }
    if (already_applied) return tx->commit();
    if (auto s = conn.exec(std::string(m.sql)); !s) {
      Error e = s.error();
      e.cause = "migration " + std::to_string(m.version) + "_" + m.name + ": " + e.cause;
      return e;
    }
    {
      auto record = conn.prepare(kRecord);
      if (!record) return record.error();
      record->bind(1, static_cast<std::int64_t>(m.version))
          .bind(2, m.name)
          .bind(3, format_iso8601(now_utc()));
      if (auto done = record->step(); !done) return done.error();
    }
    return tx->commit();
  }

  std::string path_;
  Pool pool_;
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;
  sqlite::SqliteUserRepository users_;
  sqlite::SqliteApiKeyRepository api_keys_;
  sqlite::SqliteSessionRepository sessions_;
  sqlite::SqliteUsedTokenRepository used_tokens_;
  sqlite::SqliteOutboxRepository outbox_;
  sqlite::SqliteMfaRepository mfa_;
  sqlite::SqliteAuditRepository audit_;
  sqlite::SqliteImportRepository imports_;
};

}  // namespace

DatabasePtr make_sqlite_database(const config::DatabaseSettings& settings) {
  return std::make_unique<SqliteDatabase>(settings);
}

}  // namespace gatehouse::store
