// What drop_all() drops is read from the migrations themselves, newest first, so a new
// migration's tables are dropped without a list to keep in step.
#include <gtest/gtest.h>

#include "store/migrations.hpp"

namespace gatehouse::store {
namespace {

using Names = std::vector<std::string>;

TEST(CreatedObjects, NewestFirstWithIfNotExistsAndAnyCase) {
  const std::vector<Migration> migrations = {
      {1, "initial",
       "CREATE TYPE roletype AS ENUM ('user');\nCREATE TABLE users (id int);\n"
       "CREATE TABLE api_keys (user_id int REFERENCES users(id));"},
      {2, "more", "create table if not exists outbox(id int); CREATE INDEX ix ON outbox(id);"},
  };
  const CreatedObjects created = created_objects(migrations);
  EXPECT_EQ(created.tables, (Names{"outbox", "api_keys", "users"}));
  EXPECT_EQ(created.types, (Names{"roletype"}));
}

TEST(CreatedObjects, TheEmbeddedMigrationsOfBothBackendsCreateTheSameTables) {
  auto sqlite = load_migrations(embedded_sqlite_migrations());
  auto postgres = load_migrations(embedded_postgres_migrations());
  ASSERT_TRUE(sqlite && postgres);
  const Names tables = created_objects(*sqlite).tables;
  EXPECT_EQ(tables, created_objects(*postgres).tables);
  // Children before the users table they reference.
  ASSERT_FALSE(tables.empty());
  EXPECT_EQ(tables.back(), "users");
  EXPECT_EQ(created_objects(*postgres).types, (Names{"roletype"}));
  EXPECT_TRUE(created_objects(*sqlite).types.empty());
}

}  // namespace
}  // namespace gatehouse::store
