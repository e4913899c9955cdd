// The audit log through the real binary (docs/audit-and-webhooks.md): the events of a sign-up,
// sign-ins and admin actions with their origin, GET /audit-log/ and its filters (422 on bad
// ones), the CLI's `audit list`, and a refused change that leaves no event and no delivery.
#include <gtest/gtest.h>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

HttpClient client() { return HttpClient(shared_server().port()); }

json::array items_of(const HttpResponse& r) {
  const auto v = parse_json(r.body);
  if (!v.is_object() || !v.as_object().contains("items")) return {};
  return v.at("items").as_array();
}

// Actions of a page, oldest first.
std::vector<std::string> actions_of(const HttpResponse& r) {
  std::vector<std::string> out;
  for (const auto& e : items_of(r))
    out.insert(out.begin(), std::string(e.at("action").as_string()));
  return out;
}

TEST(AuditLog, ASignUpAndItsSignInsAreRecordedWithTheirOrigin) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "auditadmin");
  const TestUser u = verified_login(server, c, "audited");
  const auto wrong = login_request(c, u.email, "Not-The-Password-7");
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  const auto request_id = wrong.header("X-Request-ID");
  ASSERT_TRUE(request_id);

  const auto r = c.get("/audit-log/?user_id=" + std::to_string(u.id), admin.auth());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_EQ(actions_of(r), (std::vector<std::string>{"user.registered", "user.verified",
                                                     "user.login", "user.login"}));
  const auto items = items_of(r);
  ASSERT_EQ(items.size(), 4u);
  const auto& failure = items[0].as_object();
  EXPECT_EQ(keys_of(failure),
            (std::vector<std::string>{"id", "at", "actor_id", "action", "target_type", "target_id",
                                      "user_id", "ip", "user_agent", "outcome", "details",
                                      "request_id"}));
  EXPECT_EQ(failure.at("outcome"), "failure");
  EXPECT_EQ(failure.at("details").at("reason"), "invalid_password");
  EXPECT_EQ(failure.at("ip"), "127.0.0.1");
  EXPECT_EQ(failure.at("request_id"), json::value(*request_id));
  EXPECT_EQ(failure.at("user_id"), u.id);
  EXPECT_EQ(items[1].at("outcome"), "success");
  EXPECT_EQ(items[1].at("actor_id"), u.id);
  // Nothing secret in any event: not the password, a token or a code.
  EXPECT_EQ(r.body.find(kPassword), std::string::npos);
  EXPECT_EQ(r.body.find("Not-The-Password-7"), std::string::npos);
  EXPECT_EQ(r.body.find(u.tokens.token), std::string::npos);
  EXPECT_EQ(r.body.find(u.tokens.refresh), std::string::npos);
}

TEST(AuditLog, AnyUserAgentIsStoredAsValidTextOfAtMost255Bytes) {
  // Bytes that are not UTF-8 and far too many: PostgreSQL would refuse them in a text column,
  // which must neither fail the sign-in nor let a wrong password go uncounted.
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "uaadmin");
  const TestUser u = verified_login(server, c, "useragent");
  const std::string ua = "\xff\xfe" + std::string(400, 'a');
  const auto ok = c.request("POST", "/login/", {{"User-Agent", ua}},
                            to_json(json::object{{"email", u.email}, {"password", kPassword}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  const auto wrong =
      c.request("POST", "/login/", {{"User-Agent", ua}},
                to_json(json::object{{"email", u.email}, {"password", "Not-The-Password-7"}}));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  const auto r =
      c.get("/audit-log/?action=user.login&user_id=" + std::to_string(u.id), admin.auth());
  const auto items = items_of(r);
  ASSERT_EQ(items.size(), 3u) << r.body;  // verified_login's, then these two
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string stored(items[i].at("user_agent").as_string());
    EXPECT_LE(stored.size(), 255u);
    EXPECT_EQ(stored.rfind("\xEF\xBF\xBD\xEF\xBF\xBD", 0), 0u) << "U+FFFD for each bad byte";
  }
  EXPECT_EQ(items[0].at("outcome"), "failure");
  const std::string token(parse_json(ok.body).at("token").as_string());
  const auto sessions = c.get("/users/me/sessions", bearer(token));
  EXPECT_EQ(sessions.status, 200) << sessions.body;
}

TEST(AuditLog, AdminActionsNameTheAdminAsActor) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "auditban");
  const TestUser u = verified_login(server, c, "bannable");
  const std::string path = "/users/" + std::to_string(u.id);
  EXPECT_EQ(c.request("POST", path + "/ban", admin.auth(), "{}").status, 204);
  EXPECT_EQ(c.request("POST", path + "/unban", admin.auth()).status, 204);
  const auto r =
      c.get("/audit-log/?action=user.banned&user_id=" + std::to_string(u.id), admin.auth());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto items = items_of(r);
  ASSERT_EQ(items.size(), 1u) << r.body;
  EXPECT_EQ(items[0].at("actor_id"), admin.id);
  EXPECT_EQ(items[0].at("user_id"), u.id);
  EXPECT_EQ(items[0].at("target_type"), "user");
  EXPECT_EQ(items[0].at("target_id"), json::value(std::to_string(u.id)));
  // The admin's own filter finds the events they did.
  const auto mine =
      c.get("/audit-log/?action=user.unbanned&user_id=" + std::to_string(admin.id), admin.auth());
  EXPECT_EQ(items_of(mine).size(), 1u) << mine.body;
}

TEST(AuditLog, PagesAndTimeFiltersWork) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "auditpage");
  const TestUser u = verified_login(server, c, "paged");
  for (int i = 0; i < 3; ++i) (void)login_request(c, u.email, "Not-The-Password-7");
  const std::string base = "/audit-log/?user_id=" + std::to_string(u.id);
  const auto first = c.get(base + "&size=2&page=1", admin.auth());
  ASSERT_EQ(first.status, 200) << first.body;
  const auto page = parse_json(first.body);
  EXPECT_EQ(page.at("total"), 6);  // registered, verified, login, 3 failures
  EXPECT_EQ(page.at("pages"), 3);
  EXPECT_EQ(page.at("size"), 2);
  const auto third = c.get(base + "&size=2&page=3", admin.auth());
  EXPECT_EQ(actions_of(third), (std::vector<std::string>{"user.registered", "user.verified"}));
  EXPECT_EQ(items_of(c.get(base + "&since=2100-01-01T00:00:00Z", admin.auth())).size(), 0u);
  EXPECT_EQ(items_of(c.get(base + "&until=2000-01-01T00:00:00Z", admin.auth())).size(), 0u);
  EXPECT_EQ(
      items_of(c.get(base + "&since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z", admin.auth()))
          .size(),
      6u);
}

TEST(AuditLog, BadFiltersAre422AndOnlyAdminsMayRead) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "auditbad");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until"},
      {"action=user.exploded", "action"},
      {"size=0", "size"},
      {"size=1000", "size"},
      {"since=yesterday", "since"},
      {"until=2026-13-45T00:00:00Z", "until"},
      {"since=2026-01-01", "since"},
      {"user_id=abc", "user_id"},
      {"since=0000-01-01T00:00:00%2B01:00", "since"},
  };
  for (const auto& [query, field] : bad) {
    const auto r = c.get("/audit-log/?" + query, admin.auth());
    EXPECT_EQ(r.status, 422) << query << ": " << r.body;
    EXPECT_FALSE(validation_msg(r, field).empty()) << query << ": " << r.body;
  }
  const TestUser u = verified_login(server, c, "notadmin");
  EXPECT_EQ(c.get("/audit-log/", u.auth()).status, 403);
  EXPECT_EQ(c.get("/audit-log/").status, 401);
}

TEST(AuditLog, ARefusedDeleteLeavesNoEventAndNoDelivery) {
  // Its own server with a webhook endpoint (nothing listens there: the rows just wait), and
  // one admin, so deleting that admin is refused by the last-admin rule.
  GatehouseProcess server({{"WEBHOOK_URLS", "http://127.0.0.1:9/hook"},
                           {"WEBHOOK_SECRET", "whsec_" + std::string(32, 'A')}});
  server.start();
  HttpClient c(server.port());
  const TestUser admin = make_admin(server, c, "lastadmin");
  const auto count = [&](const std::string& sql) { return query_scalar(server, sql); };
  const std::string deletions = "SELECT count(*) FROM audit_events WHERE action = 'user.deleted'";
  const std::string deliveries = "SELECT count(*) FROM outbox WHERE kind = 'webhook'";
  const std::string before = count(deliveries);
  const auto refused = c.request("DELETE", "/users/" + std::to_string(admin.id), admin.auth());
  EXPECT_NE(refused.status, 204) << refused.body;
  EXPECT_EQ(count(deletions), "0");
  EXPECT_EQ(count(deliveries), before);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE id = " + std::to_string(admin.id)), "1");
  // The same route on a user that may go records both, together.
  const TestUser u = verified_login(server, c, "deletable");
  const std::string with_user = count(deliveries);
  EXPECT_EQ(c.request("DELETE", "/users/" + std::to_string(u.id), admin.auth()).status, 204);
  EXPECT_EQ(count(deletions), "1");
  EXPECT_EQ(std::stoi(count(deliveries)), std::stoi(with_user) + 1);
}

TEST(AuditLog, TheCliListsEventsAndRecordsItsOwnActions) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "auditcli");
  const TestUser u = verified_login(server, c, "clibanned");
  const auto banned = server.run_command({"user", "ban", std::to_string(u.id)});
  ASSERT_EQ(banned.exit_code, 0) << banned.err;
  const auto listed = server.run_command(
      {"audit", "list", "--user", std::to_string(u.id), "--action", "user.banned"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("user.banned"), std::string::npos) << listed.out;
  const auto r =
      c.get("/audit-log/?action=user.banned&user_id=" + std::to_string(u.id), admin.auth());
  const auto items = items_of(r);
  ASSERT_EQ(items.size(), 1u) << r.body;
  EXPECT_TRUE(items[0].at("actor_id").is_null());
  EXPECT_EQ(items[0].at("user_agent"), "gatehouse-cli");
  const auto unknown = server.run_command({"audit", "list", "--action", "user.exploded"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("unknown action"), std::string::npos) << unknown.err;
  const auto reversed = server.run_command(
      {"audit", "list", "--since", "2026-02-01T00:00:00Z", "--until", "2026-01-01T00:00:00Z"});
  EXPECT_EQ(reversed.exit_code, 1);
  const auto tail = server.run_command({"audit", "tail", "-n", "3"});
  EXPECT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_NE(tail.out.find("user.banned"), std::string::npos) << tail.out;
}

}  // namespace
}  // namespace gatehouse::testing
