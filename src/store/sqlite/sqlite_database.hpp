#pragma once
// The SQLite backend of store::Database.
#include "config/settings.hpp"
#include "store/database.hpp"

namespace gatehouse::store {

// A database on settings.sqlite_path with a pool of settings.pool_size handles (one for
// ":memory:" or an empty path, whose every handle would be a separate database). Never fails:
// a file that cannot be opened is reported by ping()/migrate() (and every other call) as
// kUnavailable with a cause naming the path.
DatabasePtr make_sqlite_database(const config::DatabaseSettings& settings);

}  // namespace gatehouse::store
