// Every per-route limit of docs/http-api.md §9 "Rate limits" answers 429 at the right count, with
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
    // The refusal carries the limit too, none remaining, and a reset equal to Retry-After.
    EXPECT_EQ(refused.header("RateLimit-Limit"), std::to_string(allowed));
    EXPECT_EQ(refused.header("RateLimit-Remaining"), "0");
    EXPECT_EQ(refused.header("RateLimit-Reset"), refused.header("Retry-After"));
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

TEST_F(RateLimits, PasswordChangeFivePerHourPerUserOverBothRoutes) {
  HttpClient c(server_->port());
  const TestUser u = verified_login(*server_, c, "pwlimit");
  const std::string wrong =
      to_json(boost::json::object{{"password", kOtherPassword}, {"current_password", "nope"}});
  // Every attempt counts, failed ones included; the PUT with a password is the same budget.
  for (int i = 1; i <= 4; ++i) {
    const auto r =
        c.request("POST", "/users/" + std::to_string(u.id) + "/password", u.auth(), wrong);
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.header("RateLimit-Limit"), "5");
    EXPECT_EQ(r.header("RateLimit-Remaining"), std::to_string(5 - i));
  }
  const auto put = c.request("PUT", "/users/" + std::to_string(u.id), u.auth(),
                             to_json(boost::json::object{{"email", u.email},
                                                         {"first_name", "A"},
                                                         {"last_name", "B"},
                                                         {"password", kOtherPassword},
                                                         {"current_password", "nope"}}));
  EXPECT_EQ(put.status, 400) << put.body;
  EXPECT_EQ(put.header("RateLimit-Remaining"), "0");
  const auto refused =
      c.request("POST", "/users/" + std::to_string(u.id) + "/password", u.auth(), wrong);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, kLimited);
  ASSERT_TRUE(refused.header("Retry-After"));
  EXPECT_LE(std::stoi(*refused.header("Retry-After")), 3600);
  // A PUT without a password is no password change.
  const auto profile = c.request(
      "PUT", "/users/" + std::to_string(u.id), u.auth(),
      to_json(boost::json::object{{"email", u.email}, {"first_name", "A"}, {"last_name", "B"}}));
  EXPECT_EQ(profile.status, 200) << profile.body;
}

TEST_F(RateLimits, LoginPerTargetEmailSendsRetryAfter) {
  const std::string email = unique_email("target2");
  HttpClient c(server_->port());
  for (int i = 0; i < 5; ++i) {
    c.request("POST", "/login/", from(next_ip()),
              R"({"email":")" + email + R"(","password":"Wrong-Horse-99"})");
  }
  const auto refused = c.request("POST", "/login/", from(next_ip()),
                                 R"({"email":")" + email + R"(","password":"Wrong-Horse-99"})");
  EXPECT_EQ(refused.status, 429);
  ASSERT_TRUE(refused.header("Retry-After"));
  const int retry = std::stoi(*refused.header("Retry-After"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 900);
}

// USER_RATE_LIMIT / ADMIN_RATE_LIMIT: a budget per caller on every authenticated route,
// per API key for key requests, counted after authentication and before the role check.
TEST(CallerBudgets, UserAdminAndApiKeyBudgetsOnEveryAuthenticatedRoute) {
  GatehouseProcess server({{"RATE_LIMIT_ENABLED", "true"},
                           {"USER_RATE_LIMIT", "4/minute"},
                           {"ADMIN_RATE_LIMIT", "6/minute"}});
  server.start();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c, "budget");
  const TestUser admin = make_admin(server, c, "budgetadmin");
  // Mixed routes share the budget; a 403 counts too.
  const std::vector<std::pair<std::string, int>> calls = {
      {"/users/me", 200}, {"/users/me/sessions", 200}, {"/users/", 403}, {"/users/keys", 200}};
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto r = c.get(calls[i].first, u.auth());
    EXPECT_EQ(r.status, calls[i].second) << calls[i].first << ": " << r.body;
    EXPECT_EQ(r.header("RateLimit-Limit"), "4");
    EXPECT_EQ(r.header("RateLimit-Remaining"), std::to_string(3 - i));
  }
  const auto refused = c.get("/users/me", u.auth());
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, kLimited);
  ASSERT_TRUE(refused.header("Retry-After"));
  EXPECT_LE(std::stoi(*refused.header("Retry-After")), 60);
  EXPECT_EQ(refused.header("RateLimit-Limit"), "4");
  EXPECT_EQ(refused.header("RateLimit-Remaining"), "0");
  // Unauthenticated requests are not the user's: 401 as always.
  EXPECT_EQ(c.get("/users/me").status, 401);

  // Admins have their own budget.
  for (int i = 1; i <= 6; ++i) {
    const auto r = c.get("/users/", admin.auth());
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
    EXPECT_EQ(r.header("RateLimit-Limit"), "6");
  }
  EXPECT_EQ(c.get("/users/", admin.auth()).status, 429);

  // An API key counts on its own, not on its user's (spent) budget... of a fresh user.
  const TestUser owner = verified_login(server, c, "budgetkey");
  const auto created =
      c.request("POST", "/users/keys", owner.auth(), to_json(boost::json::object{{"name", "k"}}));
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string key(parse_json(created.body).at("key").as_string());
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(c.get("/users/me", {{"X-API-Key", key}}).status, 200) << i;
  }
  EXPECT_EQ(c.get("/users/me", {{"X-API-Key", key}}).status, 429);
  const auto by_token = c.get("/users/me", owner.auth());
  EXPECT_EQ(by_token.status, 200) << "the user's own budget: 1 of 4 spent";
  EXPECT_EQ(by_token.header("RateLimit-Remaining"), "2");
}

TEST(CallerBudgets, OverriddenByRateLimitsAndOffWithoutRateLimitEnabled) {
  {
    GatehouseProcess server({{"RATE_LIMIT_ENABLED", "true"}, {"RATE_LIMITS", "user=2/minute"}});
    server.start();
    HttpClient c(server.port());
    const TestUser u = verified_login(server, c, "budgetover");
    EXPECT_EQ(c.get("/users/me", u.auth()).status, 200);
    EXPECT_EQ(c.get("/users/me", u.auth()).status, 200);
    EXPECT_EQ(c.get("/users/me", u.auth()).status, 429);
  }
  GatehouseProcess off({{"USER_RATE_LIMIT", "1/minute"}});
  off.start();
  HttpClient c(off.port());
  const TestUser u = verified_login(off, c, "budgetoff");
  for (int i = 0; i < 3; ++i) {
    const auto r = c.get("/users/me", u.auth());
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.header("RateLimit-Limit"));
  }
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
