// Sessions (docs/http-api.md §6 "Sessions"): the caller's own list and revocation, and the admin
// routes for another user's sessions.
#include <gtest/gtest.h>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

HttpClient client() { return HttpClient(shared_server().port()); }

HttpResponse me(HttpClient& c, const std::string& token) {
  return c.get("/users/me", bearer(token));
}

void expect_detail(const HttpResponse& r, int status, const std::string& detail,
                   const std::string& what = "") {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), detail) << what;
}

std::string sid_of(const std::string& token) {
  const auto claims = jwt_payload(token);
  const auto* sid = claims.if_contains("sid");
  return sid && sid->is_string() ? std::string(sid->as_string()) : "";
}

json::array sessions_of(const HttpResponse& r) {
  const auto v = parse_json(r.body);
  return v.is_array() ? v.as_array() : json::array{};
}

TEST(Sessions, ListShowsEverySessionAndMarksTheCurrentOne) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "sessions");
  const Tokens second = [&] {
    const auto r = c.request("POST", "/login/", {{"User-Agent", "second-device/1.0"}},
                             to_json(json::object{{"email", u.email}, {"password", kPassword}}));
    EXPECT_EQ(r.status, 200);
    const auto v = parse_json(r.body);
    return Tokens{std::string(v.at("token").as_string()), std::string(v.at("refresh").as_string())};
  }();
  const auto r = c.get("/users/me/sessions", u.auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  const auto list = sessions_of(r);
  ASSERT_EQ(list.size(), 2u) << r.body;
  int current = 0;
  for (const auto& s : list) {
    EXPECT_EQ(keys_of(s), (std::vector<std::string>{"id", "created_at", "last_used_at", "ip",
                                                    "user_agent", "current"}));
    const std::string id(s.at("id").as_string());
    EXPECT_TRUE(id == sid_of(u.tokens.token) || id == sid_of(second.token)) << id;
    if (s.at("current").as_bool()) {
      ++current;
      EXPECT_EQ(id, sid_of(u.tokens.token));
    }
    if (id == sid_of(second.token)) {
      EXPECT_EQ(s.at("user_agent"), "second-device/1.0");
    }
    EXPECT_EQ(s.at("ip"), "127.0.0.1");
  }
  EXPECT_EQ(current, 1);
  expect_detail(c.get("/users/me/sessions"), 401, kNotAuthenticated);
}

TEST(Sessions, RevokingOneKillsItsTokenAndHidesIt) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "revoke");
  const Tokens second = login(c, u.email, kPassword);
  const auto r = c.request("DELETE", "/users/me/sessions/" + sid_of(second.token), u.auth());
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  expect_detail(me(c, second.token), 401, kInvalidToken, "revoked session's access token");
  expect_detail(
      c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", second.refresh}})), 401,
      kInvalidToken, "revoked session's refresh token");
  EXPECT_EQ(me(c, u.tokens.token).status, 200);
  const auto list = sessions_of(c.get("/users/me/sessions", u.auth()));
  ASSERT_EQ(list.size(), 1u) << "revoked sessions are not listed";
  EXPECT_EQ(list.at(0).at("id"), json::value(sid_of(u.tokens.token)));

  // Revoked again, unknown, or someone else's: all the same 404.
  expect_detail(c.request("DELETE", "/users/me/sessions/" + sid_of(second.token), u.auth()), 404,
                "Session not found", "already revoked");
  expect_detail(c.request("DELETE", "/users/me/sessions/no-such-session", u.auth()), 404,
                "Session not found", "unknown");
  const TestUser other = verified_login(server, c, "revokeother");
  expect_detail(c.request("DELETE", "/users/me/sessions/" + sid_of(other.tokens.token), u.auth()),
                404, "Session not found", "another user's session");
  EXPECT_EQ(me(c, other.tokens.token).status, 200) << "the other user's session is untouched";

  // Ending one's own current session works too.
  EXPECT_EQ(c.request("DELETE", "/users/me/sessions/" + sid_of(u.tokens.token), u.auth()).status,
            204);
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken);
}

TEST(Sessions, AdminListsAndEndsAnotherUsersSessions) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "sessadmin");
  const TestUser u = verified_login(server, c, "sesstarget");
  const Tokens second = login(c, u.email, kPassword);
  const std::string path = "/users/" + std::to_string(u.id) + "/sessions";

  const auto listed = c.get(path, admin.auth());
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto list = sessions_of(listed);
  EXPECT_EQ(list.size(), 2u);
  for (const auto& s : list) EXPECT_EQ(s.at("current"), false) << "not the admin's session";

  expect_detail(c.get(path, u.auth()), 403, "Forbidden", "non-admin list");
  expect_detail(c.request("DELETE", path, u.auth()), 403, "Forbidden", "non-admin delete");
  expect_detail(c.get("/users/999999/sessions", admin.auth()), 404, "This User does not exist");
  expect_detail(c.request("DELETE", "/users/999999/sessions", admin.auth()), 404,
                "This User does not exist");

  const auto ended = c.request("DELETE", path, admin.auth());
  EXPECT_EQ(ended.status, 204) << ended.body;
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken, "first session");
  expect_detail(me(c, second.token), 401, kInvalidToken, "second session");
  EXPECT_TRUE(sessions_of(c.get(path, admin.auth())).empty());
  EXPECT_EQ(me(c, admin.tokens.token).status, 200) << "the admin's own session stays";
  const Tokens fresh = login(c, u.email, kPassword);
  EXPECT_EQ(me(c, fresh.token).status, 200) << "the user can sign in again";
}

TEST(Sessions, DeletingAUserEndsTheirSessions) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "deladmin");
  const TestUser u = verified_login(server, c, "deleted");
  EXPECT_EQ(c.request("DELETE", "/users/" + std::to_string(u.id), admin.auth()).status, 204);
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken);
  expect_detail(
      c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", u.tokens.refresh}})), 401,
      kInvalidToken);
  expect_detail(c.get("/users/?user_id=" + std::to_string(u.id), admin.auth()), 404,
                "This User does not exist");
  // The address is free again.
  EXPECT_EQ(register_user(c, u.email).status, 202);
}

}  // namespace
}  // namespace gatehouse::testing
