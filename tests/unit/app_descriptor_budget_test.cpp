// The connection budget: MAX_CONNECTIONS clamped to the descriptors left after everything
// else the process needs (issue 9, item 6).
#include <gtest/gtest.h>

#include "app/descriptor_budget.hpp"
#include "config/settings.hpp"

namespace gatehouse::app {
namespace {

TEST(DescriptorBudget, ClampsToWhatIsLeft) {
  const auto b = connection_budget(256, 100, 10000);
  EXPECT_EQ(b.max_connections, 156);
  EXPECT_TRUE(b.clamped);
  const std::string line = describe_clamp(b, 10000);
  EXPECT_NE(line.find("MAX_CONNECTIONS 10000"), std::string::npos) << line;
  EXPECT_NE(line.find("at most 156 connections"), std::string::npos) << line;
}

TEST(DescriptorBudget, KeepsMaxConnectionsWhenItFits) {
  const auto b = connection_budget(1048576, 100, 10000);
  EXPECT_EQ(b.max_connections, 10000);
  EXPECT_FALSE(b.clamped);
}

TEST(DescriptorBudget, NoRoomAtAll) {
  const auto b = connection_budget(64, 100, 10000);
  EXPECT_EQ(b.max_connections, 0);
  EXPECT_TRUE(b.clamped);
}

TEST(DescriptorBudget, CountsThePoolsToCome) {
  config::Settings s;
  s.database.backend = config::DatabaseBackend::kSqlite;
  s.database.pool_size = 8;
  const auto sqlite = descriptors_to_come(s);
  s.database.backend = config::DatabaseBackend::kPostgres;
  const auto postgres = descriptors_to_come(s);
  EXPECT_GT(sqlite, postgres) << "a SQLite handle holds the file, its WAL and its index";
  s.redis.enabled = true;
  EXPECT_GT(descriptors_to_come(s), postgres);
}

TEST(DescriptorBudget, RaisingTheSoftLimitReachesTheHardOne) {
  // This process: after the call the soft limit is the hard one (or the kernel's ceiling).
  const auto limit = raise_open_files_limit();
  EXPECT_GT(limit, 0u);
  EXPECT_GT(open_descriptor_count(), 2u) << "at least the standard streams";
}

}  // namespace
}  // namespace gatehouse::app
