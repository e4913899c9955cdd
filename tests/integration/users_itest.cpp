// The /users routes, admin and self-service, acting as a client would (docs/http-api.md §5
// "User routes"; the FastAPI template's /users behaviour with its security fixes).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

HttpClient client() { return HttpClient(shared_server().port()); }

std::string user_path(std::int64_t id, const std::string& suffix = "") {
  return "/users/" + std::to_string(id) + suffix;
}

HttpResponse me(HttpClient& c, const std::string& token) {
  return c.get("/users/me", bearer(token));
}

void expect_detail(const HttpResponse& r, int status, const std::string& detail,
                   const std::string& what = "") {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), detail) << what;
}

std::string put_body(const std::string& email, const std::string& first = "New",
                     const std::string& last = "Name") {
  return to_json(json::object{{"email", email}, {"first_name", first}, {"last_name", last}});
}

// ---------------------------------------------------------------- listing

TEST(Users, AdminListIsAPageOrderedById) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "listadmin");
  const TestUser a = verified_login(server, c, "lista");
  const TestUser b = verified_login(server, c, "listb");
  const auto r = c.get("/users/?size=100", admin.auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  const auto page = parse_json(r.body);
  EXPECT_EQ(keys_of(page), (std::vector<std::string>{"items", "total", "page", "size", "pages"}));
  EXPECT_EQ(page.at("page"), 1);
  EXPECT_EQ(page.at("size"), 100);
  const auto& items = page.at("items").as_array();
  EXPECT_EQ(page.at("total").as_int64(), static_cast<std::int64_t>(items.size()));
  std::int64_t last_id = 0;
  bool saw_a = false, saw_b = false;
  for (const auto& item : items) {
    const auto id = item.at("id").as_int64();
    EXPECT_GT(id, last_id) << "ordered by id";
    last_id = id;
    saw_a |= id == a.id;
    saw_b |= id == b.id;
  }
  EXPECT_TRUE(saw_a && saw_b);
  const auto& first = items.at(0).as_object();
  EXPECT_EQ(keys_of(first),
            (std::vector<std::string>{"email", "id", "first_name", "last_name", "role", "banned",
                                      "verified", "created_at", "updated_at", "last_login_at",
                                      "mfa_enabled", "locked_until"}));

  const auto small = parse_json(c.get("/users/?size=1&page=2", admin.auth()).body);
  EXPECT_EQ(small.at("size"), 1);
  EXPECT_EQ(small.at("page"), 2);
  EXPECT_EQ(small.at("pages"), small.at("total"));
  EXPECT_EQ(small.at("items").as_array().size(), 1u);
  EXPECT_EQ(small.at("items").at(0), items.at(1));
}

// The reference's order on a protected route with a malformed path parameter: authenticate
// (401), the admin dependency (403), then validation (422), then ownership.
TEST(PathParameters, ValidatedAfterAuthenticationAndTheAdminCheck) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "pathadmin");
  const TestUser u = verified_login(server, c, "pathuser");
  EXPECT_EQ(c.request("DELETE", "/users/abc").status, 401);
  EXPECT_EQ(c.request("DELETE", "/users/abc", u.auth()).status, 403) << "admin route";
  const auto r = c.request("DELETE", "/users/abc", admin.auth());
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("\"type\":\"int_parsing\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"loc\":[\"path\",\"user_id\"]"), std::string::npos) << r.body;
  // Invalid UTF-8 in the path still gets a JSON answer, without the raw bytes.
  const auto bad = c.request("DELETE", "/users/%ff%fe", admin.auth());
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body.find("\xff"), std::string::npos);
  // Owner-or-admin routes: a user gets the 422 for their malformed parameter too (ownership
  // needs the parsed id), and a UUID route the same.
  EXPECT_EQ(c.request("PUT", "/users/abc", u.auth(), "{}").status, 422);
  EXPECT_EQ(c.get("/users/keys/not-a-uuid", u.auth()).status, 422);
  EXPECT_EQ(c.get("/users/keys/not-a-uuid").status, 401);
  EXPECT_EQ(server.running(), true);
}

TEST(Users, SingleUserUnknownUserAndNonAdmin) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "oneadmin");
  const TestUser u = verified_login(server, c, "one");
  const auto r = c.get("/users/?user_id=" + std::to_string(u.id), admin.auth());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto user = parse_json(r.body).as_object();
  EXPECT_EQ(user.at("id").as_int64(), u.id);
  EXPECT_EQ(user.at("email"), json::value(u.email));
  EXPECT_EQ(user.at("role"), "user");
  EXPECT_EQ(user.at("verified"), true);
  EXPECT_EQ(user.at("banned"), false);
  EXPECT_FALSE(user.at("last_login_at").is_null());

  expect_detail(c.get("/users/?user_id=999999", admin.auth()), 404, "This User does not exist");
  expect_detail(c.get("/users/", u.auth()), 403, "Forbidden", "non-admin list");
  expect_detail(c.get("/users/search?search_term=a", u.auth()), 403, "Forbidden", "search");
  expect_detail(c.get("/users/"), 401, kNotAuthenticated);
  EXPECT_EQ(c.get("/users/?size=101", admin.auth()).status, 422);
  EXPECT_EQ(c.get("/users/?size=0", admin.auth()).status, 422);
  EXPECT_EQ(c.get("/users/?page=0", admin.auth()).status, 422);
}

TEST(Users, SearchMatchesWildcardsLiterallyAndLimitsTheTerm) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "searchadmin");
  const std::string tag = random_hex(3);
  // Two users whose last names differ only where the wildcards would match anything.
  const std::string pct_email = unique_email("pct");
  const std::string plain_email = unique_email("plain");
  ASSERT_EQ(register_user(c, pct_email, kPassword, "Pct", "Rate100%" + tag).status, 202);
  ASSERT_EQ(register_user(c, plain_email, kPassword, "Plain", "Rate100x" + tag + "_y").status, 202);
  auto search = [&](const std::string& term, const std::string& extra = "") {
    return c.get("/users/search?search_term=" + percent_encode(term) + extra, admin.auth());
  };
  auto emails = [](const HttpResponse& r) {
    std::vector<std::string> out;
    const auto v = parse_json(r.body);
    if (!v.is_object()) return out;
    for (const auto& item : v.at("items").as_array()) {
      out.emplace_back(item.at("email").as_string());
    }
    return out;
  };
  const auto pct = search("100%" + tag);
  ASSERT_EQ(pct.status, 200) << pct.body;
  EXPECT_EQ(emails(pct), std::vector<std::string>{pct_email}) << "% is literal";
  const auto underscore = search(tag + "_y");
  EXPECT_EQ(emails(underscore), std::vector<std::string>{plain_email});
  const auto underscore_wild = search("Rate100_" + tag);
  EXPECT_TRUE(emails(underscore_wild).empty()) << "_ is literal: " << underscore_wild.body;
  const auto both = search("rate100", "&field=last_name");
  const auto found = emails(both);
  EXPECT_NE(std::find(found.begin(), found.end(), pct_email), found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), plain_email), found.end());
  const auto exact = search("Rate100%" + tag, "&field=last_name&exact_match=true");
  EXPECT_EQ(emails(exact), std::vector<std::string>{pct_email});

  EXPECT_EQ(search(std::string(100, 'a')).status, 200);
  const auto too_long = search(std::string(101, 'a'));
  EXPECT_EQ(too_long.status, 422) << too_long.body;
  EXPECT_EQ(c.get("/users/search", admin.auth()).status, 422) << "search_term is required";
  const auto nul = c.get("/users/search?search_term=a%00b", admin.auth());
  EXPECT_EQ(nul.status, 422) << nul.body;
  EXPECT_NE(nul.body.find("String must not contain NUL characters"), std::string::npos);
}

// ---------------------------------------------------------------- roles

TEST(Roles, MakeAdminAndRemoveAdmin) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "roleadmin");
  const TestUser u = verified_login(server, c, "role");
  expect_detail(c.request("POST", "/users/999999/make-admin", admin.auth()), 404,
                "This User does not exist", "make-admin unknown");
  expect_detail(c.request("POST", "/users/999999/remove-admin", admin.auth()), 404,
                "This User does not exist", "remove-admin unknown");
  expect_detail(c.request("POST", user_path(admin.id, "/make-admin"), u.auth()), 403, "Forbidden");

  EXPECT_EQ(c.request("POST", user_path(u.id, "/make-admin"), admin.auth()).status, 204);
  EXPECT_EQ(c.request("POST", user_path(u.id, "/make-admin"), admin.auth()).status, 204)
      << "idempotent";
  EXPECT_EQ(c.get("/users/", u.auth()).status, 200) << "the new admin's token has the new role";
  EXPECT_EQ(c.request("POST", user_path(u.id, "/remove-admin"), admin.auth()).status, 204);
  expect_detail(c.get("/users/", u.auth()), 403, "Forbidden", "demoted");
}

// The last-admin rules need a server where the admin count is known exactly.
class LastAdmin : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start();
    client_.emplace(server_.port());
  }
  GatehouseProcess server_;
  std::optional<HttpClient> client_;
};

TEST_F(LastAdmin, CannotRemoveOrDeleteTheLastAdmin) {
  auto& c = *client_;
  const TestUser admin = make_admin(server_, c, "sole");
  expect_detail(c.request("POST", user_path(admin.id, "/remove-admin"), admin.auth()), 400,
                "Cannot remove the last admin user");
  expect_detail(c.request("DELETE", user_path(admin.id), admin.auth()), 400,
                "Cannot delete the last admin user");
  expect_detail(c.request("DELETE", "/users/999999", admin.auth()), 404,
                "This User does not exist");
  // With a second admin, one may go.
  const TestUser second = make_admin(server_, c, "second");
  EXPECT_EQ(c.request("POST", user_path(second.id, "/remove-admin"), admin.auth()).status, 204);
  EXPECT_EQ(c.request("POST", user_path(second.id, "/make-admin"), admin.auth()).status, 204);
  EXPECT_EQ(c.request("DELETE", user_path(second.id), admin.auth()).status, 204);
  EXPECT_EQ(me(c, second.tokens.token).status, 401) << "a deleted user's token dies";
  expect_detail(c.request("DELETE", user_path(admin.id), admin.auth()), 400,
                "Cannot delete the last admin user");
}

TEST_F(LastAdmin, ConcurrentDeletesLeaveAnAdmin) {
  auto& c = *client_;
  for (int round = 0; round < 5; ++round) {
    const TestUser a = make_admin(server_, c, "racea");
    const TestUser b = make_admin(server_, c, "raceb");
    // Earlier rounds leave one survivor; bring the admin count to exactly two.
    exec_sql(server_, "UPDATE users SET role = 'user' WHERE role = 'admin' AND id NOT IN (" +
                          std::to_string(a.id) + "," + std::to_string(b.id) + ")");
    std::atomic<int> deleted{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      const TestUser& actor = t % 2 ? a : b;
      const TestUser& target = t % 2 ? b : a;
      threads.emplace_back([&, actor, target] {
        HttpClient tc(server_.port());
        const auto r = tc.request("DELETE", user_path(target.id), actor.auth());
        if (r.status == 204) ++deleted;
        if (r.status == 400 || r.status == 401 || r.status == 404) ++refused;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_GE(deleted.load(), 1) << "round " << round;
    EXPECT_EQ(deleted.load() + refused.load(), 4) << "round " << round;
    EXPECT_EQ(query_scalar(server_, "SELECT COUNT(*) FROM users WHERE role = 'admin'"), "1")
        << "round " << round << ": exactly one admin survives";
  }
}

// ---------------------------------------------------------------- ban

TEST(Users, BanAndUnban) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "banadmin");
  const TestUser u = verified_login(server, c, "banned");
  expect_detail(c.request("POST", user_path(admin.id, "/ban"), admin.auth()), 400,
                "You cannot ban/unban yourself!");
  expect_detail(c.request("POST", user_path(admin.id, "/unban"), admin.auth()), 400,
                "You cannot ban/unban yourself!");
  expect_detail(c.request("POST", "/users/999999/ban", admin.auth()), 404,
                "This User does not exist");
  expect_detail(c.request("POST", user_path(admin.id, "/ban"), u.auth()), 403, "Forbidden");

  EXPECT_EQ(me(c, u.tokens.token).status, 200);
  const auto ban = c.request("POST", user_path(u.id, "/ban"), admin.auth());
  EXPECT_EQ(ban.status, 204) << ban.body;
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken, "banned user's token");
  expect_detail(c.request("POST", user_path(u.id, "/ban"), admin.auth()), 400,
                "This User is already banned/unbanned");
  expect_detail(login_request(c, u.email, kPassword), 400, kWrongCredentials, "banned login");
  EXPECT_TRUE(wait_for_email(server, u.email, "suspended"));
  const auto listed =
      parse_json(c.get("/users/?user_id=" + std::to_string(u.id), admin.auth()).body);
  EXPECT_EQ(listed.at("banned"), true);

  EXPECT_EQ(c.request("POST", user_path(u.id, "/unban"), admin.auth()).status, 204);
  expect_detail(c.request("POST", user_path(u.id, "/unban"), admin.auth()), 400,
                "This User is already banned/unbanned");
  EXPECT_TRUE(wait_for_email(server, u.email, "restored"));
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken, "a ban killed the old sessions");
  const Tokens fresh = login(c, u.email, kPassword);
  EXPECT_EQ(me(c, fresh.token).status, 200);
}

TEST(Users, TimeLimitedBan) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "tbadmin");
  const TestUser u = verified_login(server, c, "tbanned");
  const auto past = c.request("POST", user_path(u.id, "/ban"), admin.auth(),
                              R"({"reason":"spam","until":"2000-01-01T00:00:00Z"})");
  EXPECT_EQ(past.status, 422) << past.body;
  EXPECT_EQ(validation_msg(past, "until"), "Value error, until must be in the future") << past.body;
  const auto garbage =
      c.request("POST", user_path(u.id, "/ban"), admin.auth(), R"({"until":"next tuesday"})");
  EXPECT_EQ(garbage.status, 422);
  EXPECT_EQ(me(c, u.tokens.token).status, 200) << "a refused ban changes nothing";

  const auto future = c.request("POST", user_path(u.id, "/ban"), admin.auth(),
                                R"({"reason":"spam","until":"2999-01-01T00:00:00Z"})");
  EXPECT_EQ(future.status, 204) << future.body;
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken);
  const auto listed =
      parse_json(c.get("/users/?user_id=" + std::to_string(u.id), admin.auth()).body);
  EXPECT_EQ(listed.at("banned"), true);
}

// ---------------------------------------------------------------- unlock

TEST(Users, UnlockClearsALockout) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "unlockadmin");
  const TestUser u = verified_login(server, c, "locked");
  for (int i = 0; i < 10; ++i) login_request(c, u.email, "Wrong-Horse-99");
  expect_detail(login_request(c, u.email, kPassword), 400, kWrongCredentials, "locked");
  const auto listed =
      parse_json(c.get("/users/?user_id=" + std::to_string(u.id), admin.auth()).body);
  EXPECT_FALSE(listed.at("locked_until").is_null()) << "the lock shows";
  expect_detail(c.request("POST", "/users/999999/unlock", admin.auth()), 404,
                "This User does not exist");
  expect_detail(c.request("POST", user_path(u.id, "/unlock"), u.auth()), 403, "Forbidden");
  EXPECT_EQ(c.request("POST", user_path(u.id, "/unlock"), admin.auth()).status, 204);
  login(c, u.email, kPassword);
}

// ---------------------------------------------------------------- PUT /users/{id}

TEST(UpdateUser, OwnUpdateWithoutPasswordAnswersThreeFields) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "put");
  const auto r =
      c.request("PUT", user_path(u.id), u.auth(), put_body(u.email, "Renamed", "Person"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_json(r.body),
            (json::object{{"email", u.email}, {"first_name", "Renamed"}, {"last_name", "Person"}}));
  EXPECT_EQ(keys_of(parse_json(r.body)),
            (std::vector<std::string>{"email", "first_name", "last_name"}));
  EXPECT_EQ(parse_json(me(c, u.tokens.token).body).at("first_name"), "Renamed");
  EXPECT_EQ(me(c, u.tokens.token).status, 200) << "no password change: the session stays";
}

TEST(UpdateUser, UpdateValidatesTheEmail) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "seed20");
  const TestUser other = verified_login(server, c, "seed20other");
  const auto invalid = c.request("PUT", user_path(u.id), u.auth(), put_body("not-an-email"));
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(validation_msg(invalid, "email").rfind("value is not a valid email address", 0), 0u)
      << invalid.body;
  expect_detail(c.request("PUT", user_path(u.id), u.auth(), put_body(other.email)), 400,
                "A User with this email already exists");
  expect_detail(c.request("PUT", user_path(other.id), u.auth(), put_body(other.email)), 403,
                "Forbidden", "someone else's account");
  const auto long_first =
      c.request("PUT", user_path(u.id), u.auth(), put_body(u.email, std::string(31, 'a')));
  EXPECT_EQ(long_first.status, 422);
  expect_detail(c.request("PUT", user_path(u.id), {}, put_body(u.email)), 401, kNotAuthenticated);
  EXPECT_EQ(parse_json(me(c, u.tokens.token).body).at("email"), json::value(u.email))
      << "nothing changed";
}

TEST(UpdateUser, EmailChangeNeedsAFreshVerification) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "move");
  const std::string new_email = unique_email("moved");
  const auto r = c.request("PUT", user_path(u.id), u.auth(), put_body(new_email, "Test", "User"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_json(r.body).at("email"), json::value(new_email));
  EXPECT_TRUE(wait_for_email(server, u.email, "Your email address was changed"))
      << "a notice goes to the old address";
  const auto mail = wait_for_email(server, new_email, "Verify your new email address");
  ASSERT_TRUE(mail) << "a verification goes to the new address";
  expect_detail(login_request(c, new_email, kPassword), 400,
                "You need to verify your Email before logging in");
  const std::string code = extract_link_code(*mail, "/verify/?code=");
  EXPECT_EQ(c.get("/verify/?code=" + percent_encode(code)).status, 204);
  login(c, new_email, kPassword);
  expect_detail(login_request(c, u.email, kPassword), 400, kWrongCredentials, "old address");
}

TEST(UpdateUser, OwnPasswordChangeThroughPutNeedsTheCurrentPassword) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "seed24put");
  auto body = [&](const std::optional<std::string>& current) {
    json::object o{{"email", u.email},
                   {"first_name", "Test"},
                   {"last_name", "User"},
                   {"password", kOtherPassword}};
    if (current) o["current_password"] = *current;
    return to_json(o);
  };
  expect_detail(c.request("PUT", user_path(u.id), u.auth(), body(std::nullopt)), 400,
                "Current password is required");
  expect_detail(c.request("PUT", user_path(u.id), u.auth(), body("Wrong-Horse-99")), 400,
                "Current password is incorrect");
  const auto weak = c.request(
      "PUT", user_path(u.id), u.auth(),
      R"({"email":")" + u.email + R"(","first_name":"T","last_name":"U","password":"weak"})");
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(validation_msg(weak, "password"),
            "Value error, Password must be at least 12 characters");
  login(c, u.email, kPassword);  // unchanged so far

  const Tokens other_session = login(c, u.email, kPassword);
  const auto ok = c.request("PUT", user_path(u.id), u.auth(), body(kPassword));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(me(c, u.tokens.token).status, 200) << "the current session stays";
  expect_detail(me(c, other_session.token), 401, kInvalidToken, "other sessions end");
  login(c, u.email, kOtherPassword);
}

TEST(UpdateUser, AdminMayEditAnotherUser) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "putadmin");
  const TestUser u = verified_login(server, c, "putbyadmin");
  const auto r = c.request("PUT", user_path(u.id), admin.auth(),
                           to_json(json::object{{"email", u.email},
                                                {"first_name", "By"},
                                                {"last_name", "Admin"},
                                                {"password", kOtherPassword}}));
  EXPECT_EQ(r.status, 200) << r.body;
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken, "an admin's reset ends every session");
  login(c, u.email, kOtherPassword);
  expect_detail(c.request("PUT", "/users/999999", admin.auth(), put_body(unique_email())), 404,
                "This User does not exist");
}

// ---------------------------------------------------------------- POST /users/{id}/password

HttpResponse change_password(HttpClient& c, const TestUser& actor, std::int64_t target,
                             const std::optional<std::string>& current,
                             const std::string& password = kOtherPassword) {
  json::object o{{"password", password}};
  if (current) o["current_password"] = *current;
  return c.request("POST", user_path(target, "/password"), actor.auth(), to_json(o));
}

TEST(Users, PasswordRouteNeedsTheCurrentPasswordAndKeepsOnlyThisSession) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "seed24");
  const TestUser stranger = verified_login(server, c, "seed24x");
  expect_detail(change_password(c, u, u.id, std::nullopt), 400, "Current password is required");
  expect_detail(change_password(c, u, u.id, std::string("Wrong-Horse-99")), 400,
                "Current password is incorrect");
  expect_detail(change_password(c, stranger, u.id, std::string(kPassword)), 403, "Forbidden");
  const auto weak = change_password(c, u, u.id, std::string(kPassword), "CorrectHorse99");
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(validation_msg(weak, "password"), "Value error, Password must contain a symbol");

  const Tokens other_session = login(c, u.email, kPassword);
  const auto ok = change_password(c, u, u.id, std::string(kPassword));
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(me(c, u.tokens.token).status, 200) << "the caller's session stays";
  expect_detail(me(c, other_session.token), 401, kInvalidToken, "other sessions end");
  EXPECT_TRUE(wait_for_email(server, u.email, kPasswordChangedSubject));
  expect_detail(login_request(c, u.email, kPassword), 400, kWrongCredentials);
  login(c, u.email, kOtherPassword);
}

TEST(Users, AdminChangesAnotherUsersPasswordWithoutCurrent) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "pwadmin");
  const TestUser u = verified_login(server, c, "pwbyadmin");
  EXPECT_EQ(change_password(c, admin, u.id, std::nullopt).status, 204);
  expect_detail(me(c, u.tokens.token), 401, kInvalidToken, "all of the user's sessions end");
  EXPECT_EQ(me(c, admin.tokens.token).status, 200);
  login(c, u.email, kOtherPassword);
  expect_detail(change_password(c, admin, 999999, std::nullopt), 404, "This User does not exist");
}

}  // namespace
}  // namespace gatehouse::testing
