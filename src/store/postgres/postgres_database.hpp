#pragma once
// The PostgreSQL backend of store::Database (libpq).
#include "config/settings.hpp"
#include "store/database.hpp"

namespace gatehouse::store {

// A database at settings.url with up to settings.pool_size connections, opened lazily with
// settings.connect_timeout_seconds. Never connects here, so Gatehouse can start while
// PostgreSQL is down; calls then fail with kUnavailable (libpq's message as cause, password
// redacted) until it is back. Dead connections are replaced transparently.
DatabasePtr make_postgres_database(const config::DatabaseSettings& settings);

}  // namespace gatehouse::store
