#pragma once
// The fixture of the storage suites (store_parity_test, store_mfa_test): each test runs
// against SQLite (always, a temp file) and PostgreSQL (when TEST_PG_DSN is set, e.g. by
// `scripts/services start && source <(scripts/services env)`; with
// GATEHOUSE_REQUIRE_POSTGRES=1 a missing TEST_PG_DSN fails instead of skipping).
// PostgreSQL tests run in a scratch database of the test binary's own on that server, so
// dropping the schema never disturbs tests running in parallel; each starts from an empty
// schema (drop_all + migrate). Each SQLite test starts from a new file.
#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "config/settings.hpp"
#include "store/database.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace gatehouse::store {

enum class Backend { kSqlite, kPostgres };

inline bool postgres_required() {
  const char* v = std::getenv("GATEHOUSE_REQUIRE_POSTGRES");
  return v != nullptr && std::string(v) == "1";
}

// `dsn` (a postgresql:// URL) pointing at database `name` instead.
inline std::string with_database(const std::string& dsn, const std::string& name) {
  const auto scheme = dsn.find("://");
  if (scheme == std::string::npos) return dsn + " dbname=" + name;
  const auto query = dsn.find('?', scheme);
  const auto path = dsn.find('/', scheme + 3);
  const std::string tail = query == std::string::npos ? "" : dsn.substr(query);
  const std::string head = path == std::string::npos || (query != std::string::npos && path > query)
                               ? dsn.substr(0, query)
                               : dsn.substr(0, path);
  return head + "/" + name + tail;
}

// Runs `sql` on a short-lived libpq connection (test administration, outside the store).
// The first column of the first row, or "error: ..." on failure.
inline std::string admin_query(const std::string& dsn, const std::string& sql) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = "error: " + std::string(PQerrorMessage(conn));
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      out = "error: " + std::string(PQresultErrorMessage(res));
    } else if (PQntuples(res) > 0) {
      out = PQgetvalue(res, 0, 0);
    }
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

// A database of this test binary's own on the TEST_PG_DSN server, created before the first
// test and dropped after the last.
class PgScratchDatabase : public testing::Environment {
 public:
  // URL of the scratch database; empty without TEST_PG_DSN.
  static const std::string& url() { return url_; }

  void SetUp() override {
    const char* dsn = std::getenv("TEST_PG_DSN");
    if (dsn == nullptr || *dsn == '\0') return;
    admin_dsn_ = dsn;
    name_ = "gh_store_" + std::to_string(getpid()) + "_" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
    const std::string created = admin_query(admin_dsn_, "CREATE DATABASE " + name_);
    if (created.rfind("error:", 0) == 0) {
      // No CREATEDB right (a DSN not made by scripts/services): share the given database.
      std::fprintf(stderr, "store tests: %s -> using TEST_PG_DSN's database\n", created.c_str());
      name_.clear();
      url_ = admin_dsn_;
      return;
    }
    url_ = with_database(admin_dsn_, name_);
  }

  void TearDown() override {
    if (!name_.empty())
      admin_query(admin_dsn_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }

 private:
  static inline std::string url_;
  std::string admin_dsn_;
  std::string name_;
};

[[maybe_unused]] inline testing::Environment* const kPgScratch =
    testing::AddGlobalTestEnvironment(new PgScratchDatabase);

// Skips (or, with GATEHOUSE_REQUIRE_POSTGRES=1, fails) a test that needs PostgreSQL.
#define REQUIRE_POSTGRES()                                                                        \
  do {                                                                                            \
    if (PgScratchDatabase::url().empty()) {                                                       \
      if (postgres_required()) FAIL() << "GATEHOUSE_REQUIRE_POSTGRES=1 but TEST_PG_DSN is unset"; \
      GTEST_SKIP() << "TEST_PG_DSN is not set: PostgreSQL tests skipped (run scripts/services "   \
                      "start && source <(scripts/services env))";                                 \
    }                                                                                             \
  } while (0)

template <class T>
std::string describe(const Result<T>& r) {
  if (r) return "ok";
  return std::string(error_code_name(r.error().code)) + ": " + r.error().public_message + " [" +
         r.error().cause + "]";
}

// Timestamp from ISO text, for fixed values in tests.
inline Timestamp at(const std::string& iso) {
  auto t = parse_iso8601(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return t.value_or(Timestamp{});
}

inline NewUser new_user(const std::string& email, const std::string& role = kRoleUser) {
  NewUser u;
  u.email = email;
  u.password_hash = "$2b$12$abcdefghijklmnopqrstuuD2BB9Q4R5Xz4eW3l8oUQk2Bf5w6G7hi";
  u.first_name = "First";
  u.last_name = "Last";
  u.role = role;
  return u;
}

inline std::string temp_sqlite_path() {
  static std::atomic<int> counter{0};
  return (std::filesystem::path(testing::TempDir()) /
          ("gatehouse-store-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".db"))
      .string();
}

class StoreBackendTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    settings_.pool_size = 8;
    settings_.connect_timeout_seconds = 5;
    if (GetParam() == Backend::kSqlite) {
      sqlite_path_ = temp_sqlite_path();
      settings_.backend = config::DatabaseBackend::kSqlite;
      settings_.sqlite_path = sqlite_path_;
    } else {
      REQUIRE_POSTGRES();
      settings_.backend = config::DatabaseBackend::kPostgres;
      settings_.url = PgScratchDatabase::url();
    }
    db_ = open_database();
    if (GetParam() == Backend::kPostgres) {
      auto dropped = db_->drop_all();
      ASSERT_TRUE(dropped) << describe(dropped);
    }
    auto migrated = db_->migrate();
    ASSERT_TRUE(migrated) << describe(migrated);
  }

  // Another Database on the same file / server, as a second process would have.
  DatabasePtr open_database() const {
    return GetParam() == Backend::kSqlite ? make_sqlite_database(settings_)
                                          : make_postgres_database(settings_);
  }

  void TearDown() override {
    db_.reset();
    if (!sqlite_path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((sqlite_path_ + suffix).c_str());
    }
  }

  User create_user(const std::string& email, const std::string& role = kRoleUser) {
    auto u = db_->users().create(new_user(email, role));
    EXPECT_TRUE(u) << describe(u);
    return u ? *u : User{};
  }

  config::DatabaseSettings settings_;
  DatabasePtr db_;
  std::string sqlite_path_;
};

inline std::string backend_label(const testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace gatehouse::store
