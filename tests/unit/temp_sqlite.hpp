#pragma once
// A fresh, migrated SQLite database in the test's temporary directory, for the service tests
// that run against a real store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>

#include "config/settings.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace gatehouse::testing {

// A path no other test of this process (or of a parallel one) uses.
inline std::string temp_db_path(const char* prefix) {
  static std::atomic<int> n{0};
  return (std::filesystem::path(::testing::TempDir()) /
          (std::string(prefix) + std::to_string(getpid()) + "-" + std::to_string(++n) + ".db"))
      .string();
}

// Points `settings` at a new SQLite file at `path` and opens it with the schema applied.
inline store::DatabasePtr open_temp_sqlite(config::Settings& settings, const std::string& path) {
  settings.database.backend = config::DatabaseBackend::kSqlite;
  settings.database.sqlite_path = path;
  settings.database.pool_size = 2;
  auto db = store::make_sqlite_database(settings.database);
  EXPECT_TRUE(db->migrate());
  return db;
}

// Deletes the file and its WAL companions (after the database is closed).
inline void remove_temp_sqlite(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

}  // namespace gatehouse::testing
