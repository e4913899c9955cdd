// Extension declarations (app/extension.hpp): what they add, and the packaging mistakes that
// are refused before anything runs.
#include "app/extension.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <string>

#include "services/scopes.hpp"

namespace gatehouse::app {
namespace {

std::span<const EmbeddedFile> good_sqlite() {
  static const std::array<EmbeddedFile, 1> files{
      {{"5101_things.sql", "CREATE TABLE things (id INTEGER);"}}};
  return files;
}
std::span<const EmbeddedFile> low_numbered() {
  static const std::array<EmbeddedFile, 1> files{
      {{"0042_bad.sql", "CREATE TABLE bad (id INTEGER);"}}};
  return files;
}
std::span<const EmbeddedFile> none() { return {}; }

TEST(Extension, ScopesJoinTheVocabularyAndMigrationsFollowTheCore) {
  ASSERT_TRUE(add_extension({.scopes = {"things:read", "things:write"},
                             .sqlite_migrations = good_sqlite,
                             .postgres_migrations = none}));
  EXPECT_TRUE(services::is_known_scope("things:read"));
  EXPECT_EQ(services::all_scopes().back(), "things:write");
  EXPECT_FALSE(services::scope_problem({"things:read"}, /*owner_is_admin=*/false));
  const std::array<EmbeddedFile, 1> core{{{"0001_core.sql", "CREATE TABLE core (id INTEGER);"}}};
  auto all = store::load_all_migrations(core, store::MigrationBackend::kSqlite);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->back().version, 5101);
  auto pg = store::load_all_migrations(core, store::MigrationBackend::kPostgres);
  ASSERT_TRUE(pg);
  EXPECT_EQ(pg->size(), 1u);
}

TEST(ExtensionDeathTest, BadScopeNamesAbortAtDeclaration) {
  EXPECT_DEATH(add_extension({.scopes = {"admin:things"}}), "admin:\\* scope");
  EXPECT_DEATH(add_extension({.scopes = {"users:read"}}), "already a scope");
  EXPECT_DEATH(add_extension({.scopes = {"things read"}}), "resource:action");
  EXPECT_DEATH(add_extension({.scopes = {"Things:Read"}}), "resource:action");
  EXPECT_DEATH(add_extension({.scopes = {"things"}}), "resource:action");
}

// Registers low_numbered and exits 0 when load_all_migrations refuses it.
[[noreturn]] void register_low_numbered_and_load() {
  add_extension({.sqlite_migrations = low_numbered, .postgres_migrations = none});
  const std::array<EmbeddedFile, 1> core{{{"0001_core.sql", "SELECT 1;"}}};
  auto all = store::load_all_migrations(core, store::MigrationBackend::kSqlite);
  std::exit(!all && all.error().cause.find("below 5000") != std::string::npos ? 0 : 1);
}

TEST(ExtensionDeathTest, MigrationsBelowTheExtensionRangeAreRefused) {
  // In a child process, so the registration does not reach the other tests.
  EXPECT_EXIT(register_low_numbered_and_load(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace gatehouse::app
