// The authentication settings: defaults, validation, production minimums, rate limits.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "config/loader.hpp"
#include "config/rate_limit.hpp"

namespace gatehouse::config {
namespace {

class AuthConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gh-auth-config-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  LoadResult load(VariableMap env) {
    env["DATA_DIR"] = dir_ + "/data";
    env["LOG_PATH"] = dir_ + "/logs";
    if (!env.count("SECRET_KEY")) env["SECRET_KEY"] = std::string(64, 'k') + "Z9";
    return load_settings(env, dir_ + "/.env");
  }
  static bool has_error(const LoadResult& r, const std::string& fragment) {
    for (const auto& e : r.errors) {
      if (e.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  std::string dir_;
};

// Previous secrets follow the SECRET_KEY rules; errors name the position, never the value.
TEST_F(AuthConfig, PreviousSecretKeysAreCheckedLikeSecretKey) {
  const std::string strong = std::string(40, 'p') + "Q7";
  auto r = load({{"PREVIOUS_SECRET_KEYS", strong + "," + std::string(40, 'o') + "R8"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.settings.auth.previous_secret_keys.size(), 2u);
  for (const std::string& weak :
       {std::string("secretkey"), std::string("CHANGE_ME_IN_ENV_FILE"), std::string(31, 'x')}) {
    r = load({{"PREVIOUS_SECRET_KEYS", strong + "," + weak}});
    EXPECT_TRUE(has_error(r, "PREVIOUS_SECRET_KEYS (key 2)")) << weak;
    for (const auto& e : r.errors) EXPECT_EQ(e.find(weak), std::string::npos) << e;
  }
}

TEST_F(AuthConfig, DefaultsFollowTheContract) {
  const auto r = load({});
  ASSERT_TRUE(r.ok());
  const AuthSettings& a = r.settings.auth;
  EXPECT_EQ(a.password_hash, "argon2id");
  EXPECT_EQ(a.argon2_memory_kib, 19456);
  EXPECT_EQ(a.argon2_iterations, 2);
  EXPECT_EQ(a.bcrypt_rounds, 12);
  EXPECT_EQ(a.password_min_length, 12);
  EXPECT_EQ(a.password_max_length, 128);
  EXPECT_EQ(a.jwt_algorithm, "HS256");
  EXPECT_EQ(a.jwt_issuer, "gatehouse");
  EXPECT_EQ(a.lockout_threshold, 10);
  EXPECT_EQ(a.lockout_minutes, 15);
  EXPECT_EQ(a.api_key_prefix, "pk_");
  EXPECT_TRUE(a.rate_limit_fail_open);
}

TEST_F(AuthConfig, CheapHashCostsAreAllowedInDevelopmentOnly) {
  const VariableMap cheap{
      {"ARGON2_MEMORY_KIB", "8"}, {"ARGON2_ITERATIONS", "1"}, {"BCRYPT_ROUNDS", "4"}};
  EXPECT_TRUE(load(cheap).ok());
  VariableMap prod = cheap;
  prod["ENVIRONMENT"] = "production";
  const auto r = load(prod);
  EXPECT_TRUE(has_error(r, "ARGON2_MEMORY_KIB"));
  EXPECT_TRUE(has_error(r, "BCRYPT_ROUNDS"));
}

TEST_F(AuthConfig, BadValuesNameTheVariable) {
  const auto r = load({{"PASSWORD_HASH", "md5"},
                       {"JWT_ALGORITHM", "none"},
                       {"BCRYPT_ROUNDS", "40"},
                       {"RATE_LIMITS", "login=lots"},
                       {"USER_RATE_LIMIT", "fast"}});
  EXPECT_TRUE(has_error(r, "PASSWORD_HASH"));
  EXPECT_TRUE(has_error(r, "JWT_ALGORITHM"));
  EXPECT_TRUE(has_error(r, "BCRYPT_ROUNDS"));
  EXPECT_TRUE(has_error(r, "RATE_LIMITS"));
  EXPECT_TRUE(has_error(r, "USER_RATE_LIMIT"));
}

TEST_F(AuthConfig, AsymmetricJwtNeedsAKeyFile) {
  EXPECT_TRUE(has_error(load({{"JWT_ALGORITHM", "es256"}}), "JWT_PRIVATE_KEY_FILE"));
}

TEST_F(AuthConfig, UnknownRateLimitKeyIsRefused) {
  EXPECT_TRUE(has_error(load({{"RATE_LIMITS", "lgoin=5/minute"}}), "unknown limit \"lgoin\""));
  EXPECT_TRUE(load({{"RATE_LIMITS", "login=5/15minutes, register=3/hour"}}).ok());
}

TEST(RateLimitRule, ParsesTheReferenceSyntax) {
  const auto a = parse_rate_limit("5/15minutes");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->count, 5);
  EXPECT_EQ(a->period_seconds, 900);
  const auto b = parse_rate_limit("3/hour");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->period_seconds, 3600);
  EXPECT_EQ(parse_rate_limit("1000/day")->period_seconds, 86400);
  EXPECT_EQ(parse_rate_limit("10/minute")->period_seconds, 60);
  EXPECT_EQ(parse_rate_limit("10/ 2 seconds")->period_seconds, 2);
  EXPECT_FALSE(parse_rate_limit("0/hour"));
  EXPECT_FALSE(parse_rate_limit("5/fortnight"));
  EXPECT_FALSE(parse_rate_limit("five/hour"));
  EXPECT_FALSE(parse_rate_limit("5"));
}

}  // namespace
}  // namespace gatehouse::config
