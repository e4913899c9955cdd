// Every per-route limit of API.md "Rate limits" answers 429 at the right count, with
// Retry-After and the RateLimit-* headers, in-process (RATE_LIMIT_ENABLED=true). Each check
// uses its own client address through a trusted proxy, so the limits do not interfere.
#include <gtest/gtest.h>

#include <atomic>

#include "auth_test_support.hpp"
#include "harness.hpp"

namespace gatehouse::testing {
namespace {

constexpr const char* kLimited = R"({"detail":"Rate limit exceeded. Please try again later."})";

class RateLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess({{"RATE_LIMIT_ENABLED", "true"},
                                    {"TRUSTED_PROXIES", "127.0.0.1"},
                                    {"RATE_LIMITS", "verify=4/minute"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // A client address no other check uses.
  static std::string next_ip() {
    static std::atomic<int> n{1};
    return "198.51.100." + std::to_string(n++);
  }
  // Sends `allowed` requests that must pass the limiter, then one that must be refused.
  static void expect_limit(int allowed, const std::function<HttpResponse(HttpClient&)>& send,
                           int period_seconds) {
    HttpClient c(server_->port());
    for (int i = 1; i <= allowed; ++i) {
      const auto r = send(c);
      ASSERT_NE(r.status, 429) << "request " << i << " of " << allowed << ": " << r.body;
      EXPECT_EQ(r.header("RateLimit-Limit"), std::to_string(allowed)) << r.status << r.body;
      EXPECT_EQ(r.header("RateLimit-Remaining"), std::to_string(allowed - i));
    }
    const auto refused = send(c);
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.body, kLimited);
    ASSERT_TRUE(refused.header("Retry-After"));
    const int retry = std::stoi(*refused.header("Retry-After"));
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, period_seconds);
  }
  static GatehouseProcess* server_;
};
GatehouseProcess* RateLimits::server_ = nullptr;

Headers from(const std::string& ip) { return {{"X-Forwarded-For", ip}}; }

TEST_F(RateLimits, RegisterThreePerHour) {
  const std::string ip = next_ip();
  expect_limit(
      3,
      [&](HttpClient& c) {
        return c.request("POST", "/register/", from(ip), to_json(registration(unique_email())));
      },
      3600);
}

TEST_F(RateLimits, RegisterValidationFailuresDoNotCount) {
  const std::string ip = next_ip();
  HttpClient c(server_->port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c.request("POST", "/register/", from(ip), R"({"email":"bad"})").status, 422);
  }
  EXPECT_EQ(c.request("POST", "/register/", from(ip), to_json(registration(unique_email()))).status,
            202);
}

TEST_F(RateLimits, LoginFivePerFifteenMinutesPerAddress) {
  const std::string ip = next_ip();
  expect_limit(
      5,
      [&](HttpClient& c) {
        return c.request("POST", "/login/", from(ip),
                         R"({"email":")" + unique_email() + R"(","password":"Wrong-Horse-99"})");
      },
      900);
}

TEST_F(RateLimits, LoginFivePerFifteenMinutesPerTargetEmailWhateverTheAddress) {
  const std::string email = unique_email("target");
  HttpClient c(server_->port());
  for (int i = 0; i < 5; ++i) {
    const auto r = c.request("POST", "/login/", from(next_ip()),
                             R"({"email":")" + email + R"(","password":"Wrong-Horse-99"})");
    EXPECT_EQ(r.status, 400) << r.body;
  }
  const auto refused = c.request("POST", "/login/", from(next_ip()),
                                 R"({"email":")" + email + R"(","password":"Wrong-Horse-99"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, kLimited);
}

TEST_F(RateLimits, ForgotPasswordThreePerHour) {
  const std::string ip = next_ip();
  expect_limit(
      3,
      [&](HttpClient& c) {
        return c.request("POST", "/forgot-password/", from(ip),
                         R"({"email":")" + unique_email() + R"("})");
      },
      3600);
}

TEST_F(RateLimits, ResendVerificationThreePerHour) {
  const std::string ip = next_ip();
  expect_limit(
      3,
      [&](HttpClient& c) {
        return c.request("POST", "/resend-verification/", from(ip),
                         R"({"email":")" + unique_email() + R"("})");
      },
      3600);
}

TEST_F(RateLimits, VerifyOverriddenByRateLimitsSetting) {
  const std::string ip = next_ip();
  expect_limit(
      4, [&](HttpClient& c) { return c.get("/verify/?code=not.a.token", from(ip)); }, 60);
}

TEST_F(RateLimits, RefreshTwentyPerMinute) {
  const std::string ip = next_ip();
  expect_limit(
      20,
      [&](HttpClient& c) {
        return c.request("POST", "/refresh/", from(ip), R"({"refresh":"a.b.c"})");
      },
      60);
}

TEST_F(RateLimits, ResetPasswordFormTenPerMinuteAndPostFivePerHour) {
  const std::string ip = next_ip();
  expect_limit(
      10, [&](HttpClient& c) { return c.get("/reset-password/?code=x.y.z", from(ip)); }, 60);
  const std::string other = next_ip();
  expect_limit(
      5,
      [&](HttpClient& c) {
        return c.request("POST", "/reset-password/", from(other),
                         R"({"code":"x.y.z","new_password":"Correct-Horse-9"})");
      },
      3600);
}

TEST_F(RateLimits, LimitsAreOffByDefault) {
  GatehouseProcess plain;
  plain.start();
  HttpClient c(plain.port());
  for (int i = 0; i < 8; ++i) {
    const auto r = c.request("POST", "/login/", {},
                             R"({"email":"nobody@example.com","password":"Wrong-Horse-99"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_FALSE(r.header("RateLimit-Limit").has_value());
  }
}

}  // namespace
}  // namespace gatehouse::testing
