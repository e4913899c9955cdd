#include "store/postgres/postgres_database.hpp"

#include <set>

#include "store/migrations.hpp"
#include "store/postgres/pg_client.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/postgres/postgres_api_key_repository.hpp"
#include "store/postgres/postgres_audit_repository.hpp"
#include "store/postgres/postgres_import_repository.hpp"
#include "store/postgres/postgres_mfa_repository.hpp"
#include "store/postgres/postgres_outbox_repository.hpp"
#include "store/postgres/postgres_session_repository.hpp"
#include "store/postgres/postgres_used_token_repository.hpp"
#include "store/postgres/postgres_user_repository.hpp"

namespace gatehouse::store {

namespace {

using postgres::Connection;
using postgres::param;
using postgres::PgClient;
using postgres::PgResult;
using postgres::Retry;
using postgres::Transaction;

// pg_advisory_xact_lock key serialising migrators (and drop_all) across processes:
// "gatehous" in ASCII, so it is recognisable in pg_locks.
constexpr std::int64_t kMigrationLockKey = 0x6761746568'6f7573;

const std::string kLock = "SELECT pg_advisory_xact_lock($1::bigint)";
const std::string kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";
const std::string kAppliedVersions = "SELECT version FROM schema_migrations";
const std::string kIsApplied = "SELECT 1 FROM schema_migrations WHERE version = $1::integer";
const std::string kRecord =
    "INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2)";
const std::string kHasMigrationsTable =
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
    "AND tablename = 'schema_migrations'";
const std::string kMaxVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";

// Runs a one-off statement; the mapped error when it fails.
Result<PgResult> run(Connection& conn, const std::string& sql, const postgres::Params& params,
                     const std::string& what) {
  PgResult res = conn.execute_once(sql, params);
  if (!res.ok()) return conn.error(res, what);
  return res;
}

Status lock(Connection& conn) {
  auto res = run(conn, kLock, {param(kMigrationLockKey)}, "migration lock");
  if (!res) return res.error();
  return ok();
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const config::DatabaseSettings& settings)
      : client_(settings),
        users_(client_),
        api_keys_(client_),
        sessions_(client_),
        used_tokens_(client_),
        outbox_(client_),
        mfa_(client_),
        audit_(client_),
        imports_(client_) {}

  // Database
  std::string_view backend_name() const override { return "postgresql"; }

  Status ping() override {
    auto res = client_.query("SELECT 1", {}, Retry::kIdempotent);
    if (!res) return res.error();
    return ok();
  }

  Status migrate() override {
    auto migrations =
        load_all_migrations(embedded_postgres_migrations(), MigrationBackend::kPostgres);
    if (!migrations) return migrations.error();
    return client_.with_connection([&](Connection& conn) -> Status {
      auto applied = applied_versions(conn);
      if (!applied) return applied.error();
      for (const auto& m : *migrations) {
        if (applied->count(m.version) > 0) continue;
        if (auto s = apply(conn, m); !s) return s;
      }
      return ok();
    });
  }

  Result<int> schema_version() override {
    return client_.with_connection([](Connection& conn) -> Result<int> {
      auto exists = run(conn, kHasMigrationsTable, {}, "schema_version");
      if (!exists) return exists.error();
      auto n = postgres::decode_scalar(*exists);
      if (!n) return n.error();
      if (*n == 0) return 0;
      auto max = run(conn, kMaxVersion, {}, "schema_version");
      if (!max) return max.error();
      auto version = postgres::decode_scalar(*max);
      if (!version) return version.error();
      return static_cast<int>(*version);
    });
  }

  Status drop_all() override {
    auto migrations =
        load_all_migrations(embedded_postgres_migrations(), MigrationBackend::kPostgres);
    if (!migrations) return migrations.error();
    const CreatedObjects created = created_objects(*migrations);
    auto status = client_.with_connection([&created](Connection& conn) -> Status {
      auto tx = Transaction::begin(conn);
      if (!tx) return tx.error();
      if (auto s = lock(conn); !s) return s;
      std::string sql = "DROP TABLE IF EXISTS ";
      for (const std::string& table : created.tables) sql += table + ", ";
      sql += "schema_migrations CASCADE";
      for (const std::string& type : created.types) sql += "; DROP TYPE IF EXISTS " + type;
      PgResult res = conn.execute_script(sql);
      if (!res.ok()) return conn.error(res, "drop_all");
      return tx->commit();
    });
    // Prepared statements on other connections refer to the dropped tables and types.
    client_.invalidate();
    return status;
  }

  UserRepository& users() override { return users_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }
  SessionRepository& sessions() override { return sessions_; }
  UsedTokenRepository& used_tokens() override { return used_tokens_; }
  OutboxRepository& outbox() override { return outbox_; }
  MfaRepository& mfa() override { return mfa_; }
  AuditRepository& audit() override { return audit_; }
  ImportRepository& imports() override { return imports_; }

  Status in_transaction(const std::function<Status()>& fn) override {
    return client_.in_transaction(fn);
  }
  PgClient* postgres_client() override { return &client_; }

 private:
  // Creates schema_migrations when missing and reads what is applied. Under the lock: two
  // processes racing on CREATE TABLE IF NOT EXISTS can otherwise both try to create it.
  static Result<std::set<int>> applied_versions(Connection& conn) {
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    if (auto s = lock(conn); !s) return s.error();
    if (auto r = run(conn, kCreateMigrationsTable, {}, "schema_migrations"); !r) return r.error();
    auto res = run(conn, kAppliedVersions, {}, "schema_migrations");
    if (!res) return res.error();
    std::set<int> versions;
    for (int r = 0; r < res->rows(); ++r) {
      auto v = postgres::PgRow(*res, r).int64(0);
      if (!v) return Error::internal("unreadable schema_migrations.version");
      versions.insert(static_cast<int>(*v));
    }
    if (auto s = tx->commit(); !s) return s.error();
    return versions;
  }

  // One migration in its own transaction holding the advisory lock, re-checking under the
  // lock in case another process applied it meanwhile.
  static Status apply(Connection& conn, const Migration& m) {
    auto tx = Transaction::begin(conn);
    if (!tx) return tx.error();
    if (auto s = lock(conn); !s) return s;
    auto applied =
        run(conn, kIsApplied, {param(static_cast<std::int64_t>(m.version))}, "schema_migrations");
    if (!applied) return applied.error();
    if (applied->rows() > 0) return tx->commit();
    PgResult res = conn.execute_script(std::string(m.sql));
    if (!res.ok()) {
      return conn.error(res, "migration " + std::to_string(m.version) + "_" + m.name);
    }
    auto recorded = run(conn, kRecord, {param(static_cast<std::int64_t>(m.version)), param(m.name)},
                        "schema_migrations");
    if (!recorded) return recorded.error();
    return tx->commit();
  }

  PgClient client_;
  postgres::PostgresUserRepository users_;
  postgres::PostgresApiKeyRepository api_keys_;
  postgres::PostgresSessionRepository sessions_;
  postgres::PostgresUsedTokenRepository used_tokens_;
  postgres::PostgresOutboxRepository outbox_;
  postgres::PostgresMfaRepository mfa_;
  postgres::PostgresAuditRepository audit_;
  postgres::PostgresImportRepository imports_;
};

}  // namespace

DatabasePtr make_postgres_database(const config::DatabaseSettings& settings) {
  return std::make_unique<PostgresDatabase>(settings);
}

}  // namespace gatehouse::store
