// describe_settings and mask_url_password: secrets never appear in the output.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "config/loader.hpp"
#include "config/sources.hpp"

namespace gatehouse::config {
namespace {

std::string value_of(const std::vector<std::pair<std::string, std::string>>& rows,
                     const std::string& name) {
  for (const auto& [n, v] : rows) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no row " << name;
  return {};
}

TEST(MaskUrlPasswordTest, MasksOnlyThePassword) {
  EXPECT_EQ(mask_url_password("postgresql://u:pw@h:5432/db"), "postgresql://u:****@h:5432/db");
  EXPECT_EQ(mask_url_password("redis://:s%40cret@cache:6379/0"), "redis://:****@cache:6379/0");
  EXPECT_EQ(mask_url_password("postgresql://u:p@ss/w@h/db"), "postgresql://u:****@h/db");
}

TEST(MaskUrlPasswordTest, UrlsWithoutPasswordAreUnchanged) {
  for (const char* url :
       {"postgresql://u@h:5432/db", "postgresql://h:5432/db", "sqlite:///./data/gatehouse.db",
        "redis://localhost:6379/0", "", "not a url", "postgresql://u:@h/db"}) {
    EXPECT_EQ(mask_url_password(url), url);
  }
}

TEST(DescribeSettingsTest, MasksSecrets) {
  Settings s;
  s.secret_key = "top-secret-key-value-0123456789abcdef";
  s.database.backend = DatabaseBackend::kPostgres;
  s.database.url = "postgresql://gh:db-pass-123@db.local:5432/auth";
  s.mail.password = "mail-pass-456";
  s.redis.password = "redis-pass-789";
  s.redis.url = "redis://:redis-pass-789@cache:6379/0";
  s.admin_pages.encryption_key = "admin-key-000";

  const auto rows = describe_settings(s);
  for (const auto& [name, value] : rows) {
    for (const char* secret :
         {"top-secret-key", "db-pass-123", "mail-pass-456", "redis-pass-789", "admin-key-000"}) {
      EXPECT_EQ(value.find(secret), std::string::npos) << name << " shows " << secret;
    }
  }
  EXPECT_EQ(value_of(rows, "SECRET_KEY"), "****");
  EXPECT_EQ(value_of(rows, "MAIL_PASSWORD"), "****");
  EXPECT_EQ(value_of(rows, "REDIS_PASSWORD"), "****");
  EXPECT_EQ(value_of(rows, "ADMIN_PAGES_ENCRYPTION_KEY"), "****");
  EXPECT_EQ(value_of(rows, "DATABASE_URL"), "postgresql://gh:****@db.local:5432/auth");
  EXPECT_EQ(value_of(rows, "REDIS_URL"), "redis://:****@cache:6379/0");
}

TEST(DescribeSettingsTest, UnsetSecretsAreEmptyAndValuesAreFormatted) {
  Settings s;
  s.server.trusted_proxies = {"10.0.0.0/8", "::1"};
  const auto rows = describe_settings(s);
  EXPECT_EQ(value_of(rows, "SECRET_KEY"), "");
  EXPECT_EQ(value_of(rows, "MAIL_PASSWORD"), "");
  EXPECT_EQ(value_of(rows, "ENVIRONMENT"), "development");
  EXPECT_EQ(value_of(rows, "PORT"), "8000");
  EXPECT_EQ(value_of(rows, "HSTS_ENABLED"), "false");
  EXPECT_EQ(value_of(rows, "TRUSTED_PROXIES"), "10.0.0.0/8,::1");
  EXPECT_EQ(value_of(rows, "CORS_ORIGINS"), "*");
  EXPECT_EQ(value_of(rows, "CONTACT"),
            R"json({"name":"Grant Ramsay (seapagan)","url":"https://www.gnramsay.com"})json");
}

TEST(DescribeSettingsTest, RowsAreUniqueKnownVariables) {
  const auto rows = describe_settings(Settings{});
  std::set<std::string> names;
  for (const auto& [name, value] : rows) {
    EXPECT_TRUE(detail::is_known_variable(name)) << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
  }
  EXPECT_GE(names.size(), 70u);
}

}  // namespace
}  // namespace gatehouse::config
