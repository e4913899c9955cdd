#include "app/database_factory.hpp"

#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace gatehouse::app {

store::DatabasePtr make_database(const config::DatabaseSettings& settings) {
  if (settings.backend == config::DatabaseBackend::kPostgres) {
    return store::make_postgres_database(settings);
  }
  return store::make_sqlite_database(settings);
}

}  // namespace gatehouse::app
