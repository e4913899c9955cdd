// The response cache of one instance (docs/http-api.md §10 "Response cache"):
// X-Cache, ETag and 304, Cache-Control: no-cache, never before authentication, and an
// invalidation on every change that shows in a cached answer, the reference's misses
// included (verify, password change, API-key changes and last_used_at, login bookkeeping).
// In-process cache here; scale_itest checks the Redis one across instances.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <thread>

#include "auth_test_support.hpp"
#include "harness.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

class Cache : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess({{"CACHE_ENABLED", "true"}, {"METRICS_ENABLED", "true"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static GatehouseProcess& server() { return *server_; }
  static GatehouseProcess* server_;
};
GatehouseProcess* Cache::server_ = nullptr;

std::string x_cache(const HttpResponse& r) { return r.header("X-Cache").value_or("(none)"); }

// GETs `path` until it is a HIT (the first one may be either), and returns that answer.
HttpResponse warm(HttpClient& c, const std::string& path, const Headers& auth) {
  c.get(path, auth);
  const auto r = c.get(path, auth);
  EXPECT_EQ(x_cache(r), "HIT") << path << ": " << r.status << " " << r.body;
  return r;
}

Headers with(Headers h, const std::string& name, const std::string& value) {
  h.emplace_back(name, value);
  return h;
}

TEST_F(Cache, MissThenHitWithTheSameETagAndNoStore) {
  HttpClient c(server().port());
  const TestUser u = verified_login(server(), c, "cachehit");
  const auto first = c.get("/users/me", u.auth());
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(x_cache(first), "MISS");
  ASSERT_TRUE(first.header("ETag"));
  EXPECT_EQ(first.header("Cache-Control"), "no-store") << "no-store whatever the cache does";
  const auto second = c.get("/users/me", u.auth());
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(x_cache(second), "HIT");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.header("ETag"), first.header("ETag"));
  EXPECT_EQ(second.header("Cache-Control"), "no-store");
  EXPECT_EQ(second.header("Content-Type"), "application/json");
}

TEST_F(Cache, IfNoneMatchAnswers304WithoutABody) {
  HttpClient c(server().port());
  const TestUser u = verified_login(server(), c, "cache304");
  const auto r = warm(c, "/users/me", u.auth());
  const auto not_modified = c.get("/users/me", with(u.auth(), "If-None-Match", *r.header("ETag")));
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.header("ETag"), r.header("ETag"));
  const auto other = c.get("/users/me", with(u.auth(), "If-None-Match", "\"something-else\""));
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, r.body);
}

TEST_F(Cache, NoCacheRequestHeaderSkipsTheCache) {
  HttpClient c(server().port());
  const TestUser u = verified_login(server(), c, "cachebypass");
  warm(c, "/users/me", u.auth());
  for (const char* value : {"no-cache", "no-store", "max-age=0, no-cache"}) {
    const auto r = c.get("/users/me", with(u.auth(), "Cache-Control", value));
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.header("X-Cache")) << value;
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
  }
}

TEST_F(Cache, NeverAnsweredBeforeAuthentication) {
  HttpClient c(server().port());
  auto& s = server();
  const TestUser admin = make_admin(s, c, "cacheauthadmin");
  const TestUser u = verified_login(s, c, "cacheauth");
  warm(c, "/users/me", u.auth());
  warm(c, "/users/?user_id=" + std::to_string(u.id), admin.auth());
  EXPECT_EQ(c.get("/users/me").status, 401);
  EXPECT_EQ(c.get("/users/me", bearer("not.a.token")).status, 401);
  // Another user gets their own answer, not the cached one.
  const TestUser other = verified_login(s, c, "cacheauth2");
  const auto mine = c.get("/users/me", other.auth());
  EXPECT_EQ(parse_json(mine.body).at("email"), other.email.c_str());
  // The admin's cached view is not the user's: role first.
  EXPECT_EQ(c.get("/users/?user_id=" + std::to_string(u.id), u.auth()).status, 403);
  // A logout ends the cached answer with the session.
  ASSERT_EQ(c.request("POST", "/logout/", u.auth()).status, 204);
  EXPECT_EQ(c.get("/users/me", u.auth()).status, 401);
}

TEST_F(Cache, EveryUserChangeInvalidatesTheUserAndTheList) {
  auto& s = server();
  HttpClient c(s.port());
  const TestUser admin = make_admin(s, c, "cacheinvadmin");
  TestUser u = verified_login(s, c, "cacheinv");
  const std::string single = "/users/?user_id=" + std::to_string(u.id);
  const std::string list = "/users/?size=100";
  const std::string uid = std::to_string(u.id);
  auto field = [&](const std::string& name) {
    const auto r = c.get(single, admin.auth());
    EXPECT_EQ(x_cache(r), "MISS") << "after a change of " << name;
    return parse_json(r.body).at(name);
  };
  auto expect_list_miss = [&](const std::string& what) {
    EXPECT_EQ(x_cache(c.get(list, admin.auth())), "MISS") << what;
  };
  auto warm_all = [&] {
    warm(c, single, admin.auth());
    warm(c, list, admin.auth());
    warm(c, "/users/me", u.auth());
  };

  warm_all();
  const auto put = c.request(
      "PUT", "/users/" + uid, u.auth(),
      to_json(json::object{{"email", u.email}, {"first_name", "Renamed"}, {"last_name", "User"}}));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(field("first_name"), "Renamed");
  expect_list_miss("PUT");
  const auto me = c.get("/users/me", u.auth());
  EXPECT_EQ(x_cache(me), "MISS");
  EXPECT_EQ(parse_json(me.body).at("first_name"), "Renamed");

  warm_all();
  ASSERT_EQ(c.request("POST", "/users/" + uid + "/make-admin", admin.auth()).status, 204);
  EXPECT_EQ(field("role"), "admin");
  expect_list_miss("make-admin");
  warm_all();
  ASSERT_EQ(c.request("POST", "/users/" + uid + "/remove-admin", admin.auth()).status, 204);
  EXPECT_EQ(field("role"), "user");

  // Password change (the reference does not invalidate it): updated_at moves.
  warm_all();
  const auto before = c.get(single, admin.auth());
  const auto pw = c.request(
      "POST", "/users/" + uid + "/password", u.auth(),
      to_json(json::object{{"password", kOtherPassword}, {"current_password", u.password}}));
  ASSERT_EQ(pw.status, 204) << pw.body;
  u.password = kOtherPassword;
  EXPECT_NE(field("updated_at"), parse_json(before.body).at("updated_at"));

  // A login writes last_login_at.
  warm_all();
  u.tokens = login(c, u.email, u.password);
  EXPECT_FALSE(field("last_login_at").is_null());

  warm_all();
  ASSERT_EQ(c.request("POST", "/users/" + uid + "/ban", admin.auth()).status, 204);
  EXPECT_EQ(field("banned"), true);
  expect_list_miss("ban");
  warm(c, single, admin.auth());
  ASSERT_EQ(c.request("POST", "/users/" + uid + "/unban", admin.auth()).status, 204);
  EXPECT_EQ(field("banned"), false);

  warm(c, single, admin.auth());
  warm(c, list, admin.auth());
  ASSERT_EQ(c.request("DELETE", "/users/" + uid, admin.auth()).status, 204);
  EXPECT_EQ(c.get(single, admin.auth()).status, 404);
  expect_list_miss("delete");
}

TEST_F(Cache, VerifyAndRegisterInvalidate) {
  auto& s = server();
  HttpClient c(s.port());
  const TestUser admin = make_admin(s, c, "cacheveradmin");
  const std::string list = "/users/?size=100";
  warm(c, list, admin.auth());
  const std::string email = unique_email("cachever");
  ASSERT_EQ(register_user(c, email).status, 202);
  const auto after_register = c.get(list, admin.auth());
  EXPECT_EQ(x_cache(after_register), "MISS");
  EXPECT_NE(after_register.body.find(email), std::string::npos);
  const std::int64_t id =
      std::stoll(query_scalar(s, "SELECT id FROM users WHERE email = '" + email + "'"));
  const std::string single = "/users/?user_id=" + std::to_string(id);
  EXPECT_EQ(parse_json(warm(c, single, admin.auth()).body).at("verified"), false);
  const std::string code = verify_code_for(s, email);
  ASSERT_EQ(c.get("/verify/?code=" + percent_encode(code)).status, 204);
  const auto r = c.get(single, admin.auth());
  EXPECT_EQ(x_cache(r), "MISS");
  EXPECT_EQ(parse_json(r.body).at("verified"), true) << "the reference leaves this stale";
}

json::array keys_of_list(const HttpResponse& r) { return parse_json(r.body).as_array(); }

TEST_F(Cache, ApiKeyChangesAndUseInvalidate) {
  auto& s = server();
  HttpClient c(s.port());
  const TestUser admin = make_admin(s, c, "cachekeyadmin");
  const TestUser u = verified_login(s, c, "cachekey");
  const std::string by_user = "/users/keys/by-user/" + std::to_string(u.id);
  EXPECT_TRUE(keys_of_list(warm(c, "/users/keys", u.auth())).empty());
  warm(c, by_user, admin.auth());

  const auto created =
      c.request("POST", "/users/keys", u.auth(), to_json(json::object{{"name", "first"}}));
  ASSERT_EQ(created.status, 200) << created.body;
  const auto key = parse_json(created.body);
  const std::string id(key.at("id").as_string());
  const std::string raw(key.at("key").as_string());
  auto list = c.get("/users/keys", u.auth());
  EXPECT_EQ(x_cache(list), "MISS");
  EXPECT_EQ(keys_of_list(list).size(), 1u);
  // The admin's view of the same owner's keys is the same (fresh) entry.
  EXPECT_EQ(keys_of_list(c.get(by_user, admin.auth())).size(), 1u);

  // A use writes last_used_at (at most once a minute): the lists and the key show it.
  warm(c, "/users/keys", u.auth());
  warm(c, "/users/keys/" + id, u.auth());
  ASSERT_EQ(c.get("/users/me", {{"X-API-Key", raw}}).status, 200);
  list = c.get("/users/keys", u.auth());
  EXPECT_EQ(x_cache(list), "MISS");
  EXPECT_FALSE(keys_of_list(list).at(0).at("last_used_at").is_null());
  const auto one = c.get("/users/keys/" + id, u.auth());
  EXPECT_EQ(x_cache(one), "MISS");
  EXPECT_FALSE(parse_json(one.body).at("last_used_at").is_null());

  warm(c, "/users/keys/" + id, u.auth());
  ASSERT_EQ(
      c.request("PATCH", "/users/keys/" + id, u.auth(), to_json(json::object{{"name", "renamed"}}))
          .status,
      200);
  const auto renamed = c.get("/users/keys/" + id, u.auth());
  EXPECT_EQ(x_cache(renamed), "MISS") << "the reference's Redis pattern misses this one";
  EXPECT_EQ(parse_json(renamed.body).at("name"), "renamed");

  warm(c, "/users/keys/" + id, u.auth());
  ASSERT_EQ(c.request("PATCH", by_user + "/" + id, admin.auth(),
                      to_json(json::object{{"is_active", false}}))
                .status,
            200);
  EXPECT_EQ(parse_json(c.get("/users/keys/" + id, u.auth()).body).at("is_active"), false);

  warm(c, "/users/keys/" + id, u.auth());
  warm(c, "/users/keys", u.auth());
  ASSERT_EQ(c.request("DELETE", "/users/keys/" + id, u.auth()).status, 204);
  EXPECT_EQ(c.get("/users/keys/" + id, u.auth()).status, 404);
  EXPECT_TRUE(keys_of_list(c.get("/users/keys", u.auth())).empty());
}

TEST_F(Cache, ErrorsAreNotCached) {
  auto& s = server();
  HttpClient c(s.port());
  const TestUser admin = make_admin(s, c, "cacheerradmin");
  const auto missing = c.get("/users/?user_id=999999", admin.auth());
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(missing.header("X-Cache"));
  EXPECT_EQ(c.get("/users/?user_id=999999", admin.auth()).status, 404);
}

TEST_F(Cache, LookupsAreCountedByResult) {
  auto& s = server();
  HttpClient c(s.port());
  const TestUser u = verified_login(s, c, "cachemetric");
  warm(c, "/users/me", u.auth());
  const auto metrics = c.get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("api_template_cache_requests_total{result=\"hit\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("api_template_cache_requests_total{result=\"miss\"}"),
            std::string::npos);
}

TEST(CacheSettings, OffByDefaultAndEntriesExpireAfterTheTtl) {
  {
    GatehouseProcess plain;
    plain.start();
    HttpClient c(plain.port());
    const TestUser u = verified_login(plain, c, "cacheoff");
    EXPECT_FALSE(c.get("/users/me", u.auth()).header("X-Cache"));
    EXPECT_FALSE(c.get("/users/me", u.auth()).header("X-Cache"));
  }
  GatehouseProcess short_ttl({{"CACHE_ENABLED", "true"}, {"CACHE_DEFAULT_TTL", "1"}});
  short_ttl.start();
  HttpClient c(short_ttl.port());
  const TestUser u = verified_login(short_ttl, c, "cachettl");
  warm(c, "/users/me", u.auth());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(x_cache(c.get("/users/me", u.auth())), "MISS");
}

// A CLI edit empties a running instance's cache at once, without Redis on SQLite (a shared
// generation next to the database file) and through Redis on PostgreSQL.
TEST(CacheSettings, CliEditsAreSeenAtOnce) {
  std::map<std::string, std::string> env{{"CACHE_ENABLED", "true"}, {"CACHE_DEFAULT_TTL", "300"}};
  if (!add_cli_cache_channel(env)) {
    GTEST_SKIP() << "PostgreSQL without Redis shares no cache channel";
  }
  GatehouseProcess s(env);
  s.start();
  HttpClient c(s.port());
  const TestUser admin = make_admin(s, c, "clicacheadmin");
  const TestUser u = verified_login(s, c, "clicache");
  const std::string uid = std::to_string(u.id);
  const std::string single = "/users/?user_id=" + uid;
  auto banned = [&] {
    const auto r = c.get(single, admin.auth());
    EXPECT_EQ(r.status, 200) << r.body;
    return std::pair{x_cache(r), parse_json(r.body).at("banned")};
  };

  warm(c, single, admin.auth());
  warm(c, "/users/me", admin.auth());
  auto ban = s.run_command({"user", "ban", uid});
  ASSERT_EQ(ban.exit_code, 0) << ban.err;
  EXPECT_EQ(banned(), (std::pair{std::string("MISS"), json::value(true)}));
  EXPECT_EQ(x_cache(c.get(single, admin.auth())), "HIT") << "cached again after the edit";

  auto unban = s.run_command({"user", "ban", uid, "--unban"});
  ASSERT_EQ(unban.exit_code, 0) << unban.err;
  EXPECT_EQ(banned(), (std::pair{std::string("MISS"), json::value(false)}));

  // The server's own changes keep working as before alongside.
  warm(c, single, admin.auth());
  const auto promoted = s.run_command({"user", "admin", uid});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  const auto after = c.get(single, admin.auth());
  EXPECT_EQ(x_cache(after), "MISS");
  EXPECT_EQ(parse_json(after.body).at("role"), json::value("admin"));
}

}  // namespace
}  // namespace gatehouse::testing
