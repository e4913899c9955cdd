// Several instances as one (issue 5; docs/scaling.md, docs/http-api.md §12): two Gatehouse
// processes on different ports share one database — a PostgreSQL scratch database in the
// postgres variant, one SQLite file in the sqlite variant — and one Redis. Each test starts
// its own redis-server on a free port (without persistence), so it can stop and restart it
// and shares no keys with suites running at the same time. With GATEHOUSE_REQUIRE_POSTGRES=1
// (make test) a missing redis-server fails instead of skipping, as a missing TEST_PG_DSN
// fails the postgres variant in the harness.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <thread>

#include "auth_test_support.hpp"
#include "harness.hpp"
#include "support/oathtool.hpp"
#include "unit/kv_redis_support.hpp"

namespace gatehouse::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

using kv::testing_support::free_port;
using kv::testing_support::RedisServerProcess;

// Two instances on one database and one Redis, with the cache and rate limits on.
class TwoInstances {
 public:
  explicit TwoInstances(std::map<std::string, std::string> env = {}) {
    if (!redis_.start()) throw std::runtime_error("redis-server did not start");
    env["REDIS_URL"] = "redis://127.0.0.1:" + std::to_string(redis_.port()) + "/0";
    env.emplace("CACHE_ENABLED", "true");
    env.emplace("RATE_LIMIT_ENABLED", "true");
    env.emplace("TRUSTED_PROXIES", "127.0.0.1");
    a_ = std::make_unique<GatehouseProcess>(env);
    a_->start();
    // B: the same database and secret, its own port, data directory and logs.
    env["DATABASE_URL"] = a_->env().at("DATABASE_URL");
    env["SECRET_KEY"] = a_->env().at("SECRET_KEY");
    b_ = std::make_unique<GatehouseProcess>(env);
    b_->start();
  }
  ~TwoInstances() {
    b_.reset();  // before A, whose directory may hold the SQLite file
    a_.reset();
  }
  GatehouseProcess& a() { return *a_; }
  GatehouseProcess& b() { return *b_; }
  RedisServerProcess& redis() { return redis_; }

 private:
  RedisServerProcess redis_{free_port()};
  std::unique_ptr<GatehouseProcess> a_;
  std::unique_ptr<GatehouseProcess> b_;
};

std::string x_cache(const HttpResponse& r) { return r.header("X-Cache").value_or("(none)"); }

HttpResponse wrong_login(HttpClient& c, const std::string& email, const std::string& ip) {
  return c.request("POST", "/login/", {{"X-Forwarded-For", ip}},
                   R"({"email":")" + email + R"(","password":"Wrong-Horse-99"})");
}

// Polls `done` every 20 ms for up to `limit`.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

TEST(Scale, LogoutOnAEndsTheAccessTokenOnBAtOnce) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair;
  HttpClient a(pair.a().port());
  HttpClient b(pair.b().port());
  const TestUser u = verified_login(pair.a(), a, "scalelogout");
  ASSERT_EQ(b.get("/users/me", u.auth()).status, 200);
  ASSERT_EQ(x_cache(b.get("/users/me", u.auth())), "HIT");
  ASSERT_EQ(a.request("POST", "/logout/", u.auth()).status, 204);
  const auto after = b.get("/users/me", u.auth());
  EXPECT_EQ(after.status, 401) << "cached answer served after logout: " << after.body;
  EXPECT_EQ(detail_of(after), kInvalidToken);
  EXPECT_EQ(a.get("/users/me", u.auth()).status, 401);
}

// The TOTP replay guard lives in the shared Redis: a code accepted on A is refused on B
// (docs/http-api.md §4 "Two-factor authentication"). Codes come from oathtool.
TEST(Scale, ATotpCodeAcceptedOnAIsRefusedOnB) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair;
  HttpClient a(pair.a().port());
  HttpClient b(pair.b().port());
  const TestUser u = verified_login(pair.a(), a, "scaletotp");
  const auto started = a.request("POST", "/users/me/mfa/totp", u.auth(), "");
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string secret(parse_json(started.body).at("secret").as_string());
  // Steps: the confirmation takes the current one, the sign-ins the next (both within ±1).
  const std::int64_t now = std::time(nullptr);
  const std::string confirm_code = oathtool_code(secret, now);
  const std::string code = oathtool_code(secret, now + 30);
  ASSERT_EQ(a.request("POST", "/users/me/mfa/totp/confirm", u.auth(),
                      to_json(json::object{{"code", confirm_code}}))
                .status,
            200);
  const auto mfa_token = [&](HttpClient& c) {
    const auto r = login_request(c, u.email, kPassword);
    const auto v = parse_json(r.body);
    return v.is_object() && v.as_object().contains("mfa_token")
               ? std::string(v.at("mfa_token").as_string())
               : std::string();
  };
  const auto second_step = [&](HttpClient& c, const std::string& token) {
    return c.request("POST", "/login/mfa/", {},
                     to_json(json::object{{"mfa_token", token}, {"code", code}}));
  };
  const auto on_a = second_step(a, mfa_token(a));
  EXPECT_EQ(on_a.status, 200) << on_a.body;
  const auto on_b = second_step(b, mfa_token(b));
  EXPECT_EQ(on_b.status, 400) << on_b.body;
  EXPECT_EQ(detail_of(on_b), "Invalid authentication code");
  // Control: B does accept a code nobody used (so its refusal above was the replay guard, not
  // a secret it cannot open or a lockout). The next unused step is valid once the clock
  // reaches the step after the one used above.
  const std::int64_t next_step = now / 30 + 2;
  while (std::time(nullptr) / 30 < next_step - 1) std::this_thread::sleep_for(200ms);
  const auto fresh_on_b =
      b.request("POST", "/login/mfa/", {},
                to_json(json::object{{"mfa_token", mfa_token(b)},
                                     {"code", oathtool_code(secret, next_step * 30)}}));
  EXPECT_EQ(fresh_on_b.status, 200) << fresh_on_b.body;
  // The confirmation's code is spent everywhere too.
  const auto confirm_again =
      b.request("POST", "/login/mfa/", {},
                to_json(json::object{{"mfa_token", mfa_token(b)}, {"code", confirm_code}}));
  EXPECT_EQ(confirm_again.status, 400) << confirm_again.body;
}

// With Redis unreachable the replay guard cannot say whether a code was used: the code is
// refused with 503 (never accepted unchecked), the mfa_token is not spent, and once Redis is
// back the same token and a fresh code sign in.
TEST(Scale, ATotpCodeIsRefusedWhileRedisIsDown) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair;
  HttpClient a(pair.a().port());
  const TestUser u = verified_login(pair.a(), a, "scaletotpdown");
  const auto started = a.request("POST", "/users/me/mfa/totp", u.auth(), "");
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string secret(parse_json(started.body).at("secret").as_string());
  const std::int64_t now = std::time(nullptr);
  ASSERT_EQ(a.request("POST", "/users/me/mfa/totp/confirm", u.auth(),
                      to_json(json::object{{"code", oathtool_code(secret, now)}}))
                .status,
            200);
  const auto login = login_request(a, u.email, kPassword);
  const std::string token(parse_json(login.body).at("mfa_token").as_string());
  const std::string body =
      to_json(json::object{{"mfa_token", token}, {"code", oathtool_code(secret, now + 30)}});
  pair.redis().stop();
  const auto down = a.request("POST", "/login/mfa/", {}, body);
  EXPECT_EQ(down.status, 503) << down.body;
  ASSERT_TRUE(pair.redis().start());
  const bool back =
      eventually([&] { return a.request("POST", "/login/mfa/", {}, body).status == 200; });
  EXPECT_TRUE(back) << "the same mfa_token and code after Redis came back";
}

TEST(Scale, LoginAttemptsSpreadOverBothShareOneLimit) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair;
  HttpClient a(pair.a().port());
  HttpClient b(pair.b().port());
  // Per client address: 5 per 15 minutes whichever instance answers.
  const std::string ip = "203.0.113.7";
  for (int i = 1; i <= 5; ++i) {
    const auto r = wrong_login(i % 2 ? a : b, unique_email("spread"), ip);
    ASSERT_EQ(r.status, 400) << i << ": " << r.body;
    EXPECT_EQ(r.header("RateLimit-Remaining"), std::to_string(5 - i)) << "attempt " << i;
  }
  for (HttpClient* c : {&a, &b}) {
    const auto refused = wrong_login(*c, unique_email("spread"), ip);
    EXPECT_EQ(refused.status, 429);
    ASSERT_TRUE(refused.header("Retry-After"));
    EXPECT_LE(std::stoi(*refused.header("Retry-After")), 900);
  }
  // Per target email, whatever the address: 5 per 15 minutes over both instances.
  const std::string email = unique_email("spreadtarget");
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(wrong_login(i % 2 ? b : a, email, "203.0.113." + std::to_string(20 + i)).status, 400);
  }
  EXPECT_EQ(wrong_login(a, email, "203.0.113.99").status, 429);
  EXPECT_EQ(wrong_login(b, email, "203.0.113.98").status, 429);
}

TEST(Scale, ABanThroughAShowsInTheCachedListOnBAtOnce) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair;
  HttpClient a(pair.a().port());
  HttpClient b(pair.b().port());
  const TestUser admin = make_admin(pair.a(), a, "scaleadmin");
  const TestUser u = verified_login(pair.a(), a, "scaleban");
  auto banned_in_list = [&](const HttpResponse& r) {
    const json::value page = parse_json(r.body);
    for (const auto& item : page.at("items").as_array()) {
      if (item.at("id").as_int64() == u.id) return item.at("banned").as_bool();
    }
    ADD_FAILURE() << "user not in the list: " << r.body;
    return false;
  };
  const std::string list = "/users/?size=100";
  const std::string single = "/users/?user_id=" + std::to_string(u.id);
  b.get(list, admin.auth());
  b.get(single, admin.auth());
  const auto cached = b.get(list, admin.auth());
  ASSERT_EQ(x_cache(cached), "HIT");
  EXPECT_FALSE(banned_in_list(cached));
  ASSERT_EQ(x_cache(a.get(single, admin.auth())), "HIT") << "B's entry, shared through Redis";

  ASSERT_EQ(a.request("POST", "/users/" + std::to_string(u.id) + "/ban", admin.auth()).status, 204);
  const auto after = b.get(list, admin.auth());
  EXPECT_EQ(x_cache(after), "MISS");
  EXPECT_TRUE(banned_in_list(after));
  EXPECT_EQ(parse_json(b.get(single, admin.auth()).body).at("banned"), true);

  // A CLI edit (another process, same settings) reaches both instances' cache too.
  b.get(single, admin.auth());
  ASSERT_EQ(x_cache(b.get(single, admin.auth())), "HIT");
  const auto unban = pair.a().run_command({"user", "ban", std::to_string(u.id), "--unban"});
  ASSERT_EQ(unban.exit_code, 0) << unban.err;
  const auto after_cli = b.get(single, admin.auth());
  EXPECT_EQ(x_cache(after_cli), "MISS");
  EXPECT_EQ(parse_json(after_cli.body).at("banned"), false);
}

// Redis stopped mid-test and started again, RATE_LIMIT_FAIL_OPEN=true (the default).
TEST(Scale, RedisDownRequestsKeepWorkingThenSharedStateResumes) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair;
  HttpClient a(pair.a().port());
  HttpClient b(pair.b().port());
  const TestUser u = verified_login(pair.a(), a, "scaleoutage");
  const TestUser v = verified_login(pair.a(), a, "scaleoutage2");
  b.get("/users/me", u.auth());
  ASSERT_EQ(x_cache(b.get("/users/me", u.auth())), "HIT");

  pair.redis().stop();
  // The cache is skipped, the answer is right.
  const auto me = b.get("/users/me", u.auth());
  EXPECT_EQ(me.status, 200);
  EXPECT_FALSE(me.header("X-Cache"));
  EXPECT_EQ(parse_json(me.body).at("email"), u.email.c_str());
  // Limits fail open: no made-up RateLimit-* figures, no 429 past the limit.
  for (int i = 0; i < 7; ++i) {
    const auto r = wrong_login(i % 2 ? a : b, unique_email("outage"), "203.0.113.50");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_FALSE(r.header("RateLimit-Limit"));
  }
  // A logout still reaches the other instance (the database session row decides).
  ASSERT_EQ(a.request("POST", "/logout/", v.auth()).status, 204);
  EXPECT_EQ(b.get("/users/me", v.auth()).status, 401);
  const auto ready = b.get("/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("\"redis\":\"error\""), std::string::npos) << ready.body;

  // Redis back on the same address: no restart of Gatehouse.
  ASSERT_TRUE(pair.redis().start());
  for (HttpClient* c : {&a, &b}) {
    EXPECT_TRUE(eventually([&] { return c->get("/ready").status == 200; }));
  }
  EXPECT_TRUE(eventually([&] { return x_cache(b.get("/users/me", u.auth())) == "HIT"; }));
  EXPECT_EQ(x_cache(a.get("/users/me", u.auth())), "HIT") << "the entry B filed";
  const std::string ip = "203.0.113.51";
  for (int i = 1; i <= 5; ++i) {
    const auto r = wrong_login(i % 2 ? a : b, unique_email("back"), ip);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("RateLimit-Remaining"), std::to_string(5 - i));
  }
  EXPECT_EQ(wrong_login(a, unique_email("back"), ip).status, 429);
  EXPECT_EQ(v.tokens.token.empty(), false);
  EXPECT_EQ(b.get("/users/me", v.auth()).status, 401) << "still revoked";
}

// RATE_LIMIT_FAIL_OPEN=false: limited routes answer 503 while Redis is down; the others work.
TEST(Scale, RedisDownWithLimitsFailingClosed) {
  REQUIRE_REDIS_SERVER();
  TwoInstances pair(std::map<std::string, std::string>{{"RATE_LIMIT_FAIL_OPEN", "false"}});
  HttpClient a(pair.a().port());
  HttpClient b(pair.b().port());
  const TestUser u = verified_login(pair.a(), a, "scaleclosed");
  pair.redis().stop();
  for (HttpClient* c : {&a, &b}) {
    const auto r = wrong_login(*c, u.email, "203.0.113.60");
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.header("Retry-After"), "1");
    EXPECT_EQ(c->get("/users/me", u.auth()).status, 200) << "not a limited route";
  }
  ASSERT_TRUE(pair.redis().start());
  EXPECT_TRUE(eventually([&] { return wrong_login(b, u.email, "203.0.113.61").status == 400; }));
  const auto ok = login_request(a, u.email, u.password);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

}  // namespace
}  // namespace gatehouse::testing
