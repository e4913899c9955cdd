// AuditLog (services/audit_log.hpp) through the services that record into it: each action
// stores its event (and, for lifecycle events, one webhook delivery per endpoint) in the
// transaction of its change, a refused change leaves neither, details never carry a secret,
// and retention deletes old events.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/request_origin.hpp"
#include "service_fixture.hpp"
#include "services/housekeeping.hpp"

namespace gatehouse::services::testing {
namespace {

using namespace std::chrono_literals;

class AuditTest : public ServiceFixture {
 protected:
  void SetUp() override {
    audit_options_.webhook_endpoints = {"http://127.0.0.1:9/a", "http://127.0.0.1:9/b"};
    ServiceFixture::SetUp();
    admin_ = make_user("admin@example.com", store::kRoleAdmin);
    user_ = make_user("user@example.com");
  }

  std::vector<store::AuditEvent> events(const store::AuditQuery& q = {}) {
    auto page = audit_->search(q, 1, 100);
    EXPECT_TRUE(page) << (page ? "" : page.error().cause);
    return page ? page->items : std::vector<store::AuditEvent>{};
  }

  // Action names, oldest first.
  std::vector<std::string> actions(const store::AuditQuery& q = {}) {
    std::vector<std::string> out;
    for (const auto& e : events(q)) out.insert(out.begin(), e.action);
    return out;
  }

  std::vector<store::OutboxMessage> deliveries() {
    auto rows = audit_->deliveries(false, 100);
    EXPECT_TRUE(rows);
    return rows ? *rows : std::vector<store::OutboxMessage>{};
  }

  store::User admin_;
  store::User user_;
};

TEST_F(AuditTest, ABanIsRecordedWithItsActorOriginAndOneDeliveryPerEndpoint) {
  RequestOrigin origin{.ip = "203.0.113.7", .user_agent = "ua/1", .request_id = "req-1"};
  origin.actor_id = admin_.id;
  {
    const OriginScope scope(origin);
    BanInput ban;
    ban.reason = "spam";
    ASSERT_TRUE(users_->ban(actor(admin_), user_.id, ban));
  }
  const auto all = events();
  ASSERT_EQ(all.size(), 1u);
  const store::AuditEvent& e = all.front();
  EXPECT_EQ(e.action, "user.banned");
  EXPECT_EQ(e.actor_id, admin_.id);
  EXPECT_EQ(e.subject_user_id, user_.id);
  EXPECT_EQ(e.target_type, "user");
  EXPECT_EQ(e.target_id, std::to_string(user_.id));
  EXPECT_EQ(e.ip, "203.0.113.7");
  EXPECT_EQ(e.user_agent, "ua/1");
  EXPECT_EQ(e.request_id, "req-1");
  EXPECT_EQ(e.outcome, "success");
  EXPECT_EQ(boost::json::parse(e.details).at("reason"), "spam");
  const auto sent = deliveries();
  ASSERT_EQ(sent.size(), 2u);
  std::vector<std::string> endpoints{sent[0].endpoint, sent[1].endpoint};
  std::sort(endpoints.begin(), endpoints.end());
  EXPECT_EQ(endpoints, (std::vector<std::string>{"http://127.0.0.1:9/a", "http://127.0.0.1:9/b"}));
  const auto payload = boost::json::parse(sent[0].payload).as_object();
  const auto other = boost::json::parse(sent[1].payload).as_object();
  const std::string webhook_id(payload.at("id").as_string());
  EXPECT_EQ(webhook_id.rfind("msg_", 0), 0u);
  EXPECT_EQ(webhook_id.size(), 4u + 36u) << "msg_ and a UUID";
  EXPECT_NE(other.at("id"), payload.at("id")) << "one id per delivery";
  const auto body = boost::json::parse(payload.at("body").as_string()).as_object();
  EXPECT_EQ(body.at("type"), "user.banned");
  EXPECT_EQ(body.at("data").at("user_id"), user_.id);
  EXPECT_EQ(body.at("data").at("actor_id"), admin_.id);
  EXPECT_TRUE(body.contains("timestamp"));
}

TEST_F(AuditTest, ARefusedDeleteOfTheLastAdminLeavesNoEventAndNoDelivery) {
  EXPECT_FALSE(users_->remove(admin_.id));
  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(deliveries().empty());
  // A delete that goes through records both.
  ASSERT_TRUE(users_->remove(user_.id));
  EXPECT_EQ(actions(), std::vector<std::string>{"user.deleted"});
  EXPECT_EQ(deliveries().size(), 2u);
}

// A database that refuses every audit row (a trigger): what a failed event write does.
class RefusingAuditTest : public AuditTest {
 protected:
  void SetUp() override {
    AuditTest::SetUp();
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw,
                                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
                                nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(raw);
  }
};

TEST_F(RefusingAuditTest, AChangeWhoseEventCannotBeStoredIsNotMade) {
  EXPECT_FALSE(users_->ban(actor(admin_), user_.id, {}));
  EXPECT_FALSE(reload(user_.id).banned) << "no ban without its event";
  EXPECT_TRUE(deliveries().empty()) << "nor a delivery";
  EXPECT_FALSE(users_->make_admin(user_.id));
  EXPECT_EQ(reload(user_.id).role, store::kRoleUser);
  EXPECT_FALSE(login(user_.email)) << "no session without its sign-in event";
  auto sessions = db_->sessions().list_active(user_.id, now_);
  ASSERT_TRUE(sessions);
  EXPECT_TRUE(sessions->empty());
}

TEST_F(RefusingAuditTest, AFailedLoginStillCountsTowardTheLockout) {
  // A client must not escape the lockout by making the event write fail.
  for (int i = 0; i < settings_.auth.lockout_threshold; ++i) {
    EXPECT_FALSE(login(user_.email, "Wrong-Password-1"));
  }
  const store::User after = reload(user_.id);
  ASSERT_TRUE(after.locked_until.has_value());
  EXPECT_GT(*after.locked_until, now_);
}

TEST_F(AuditTest, SignInsAndTheirFailuresAreEventsWithReasonsAndNoSecrets) {
  ASSERT_TRUE(login(user_.email));
  EXPECT_FALSE(login(user_.email, "Wrong-Password-1"));
  EXPECT_FALSE(login("nobody@example.com", "Wrong-Password-1"));
  const auto all = events();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].action, "user.login");
  EXPECT_EQ(all[2].outcome, "success");
  EXPECT_EQ(all[2].actor_id, user_.id);
  EXPECT_FALSE(all[1].actor_id.has_value()) << "a failed attempt is anonymous";
  EXPECT_EQ(all[1].subject_user_id, user_.id);
  EXPECT_EQ(all[1].outcome, "failure");
  EXPECT_EQ(boost::json::parse(all[1].details).at("reason"), "invalid_password");
  EXPECT_EQ(all[0].outcome, "failure");
  EXPECT_EQ(boost::json::parse(all[0].details).at("reason"), "unknown_email");
  EXPECT_FALSE(all[0].subject_user_id.has_value());
  for (const auto& e : all) {
    EXPECT_EQ(e.details.find("Wrong-Password"), std::string::npos) << e.details;
    EXPECT_EQ(e.details.find(kPassword), std::string::npos) << e.details;
  }
  // Sign-ins are not lifecycle events: no webhook.
  EXPECT_TRUE(deliveries().empty());
}

TEST_F(AuditTest, ALockoutIsAnEventOfItsOwn) {
  for (int i = 0; i < settings_.auth.lockout_threshold; ++i) {
    EXPECT_FALSE(login(user_.email, "Wrong-Password-1"));
  }
  const auto seen = actions();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "user.locked");
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "user.login"), settings_.auth.lockout_threshold);
  ASSERT_TRUE(users_->unlock(user_.id));
  EXPECT_EQ(actions().back(), "user.unlocked");
}

TEST_F(AuditTest, LogoutAndRefreshReuseAreRecorded) {
  auto pair = login(user_.email);
  ASSERT_TRUE(pair);
  now_ += 1s;
  auto rotated = auth_->refresh(pair->refresh);
  ASSERT_TRUE(rotated);
  EXPECT_FALSE(auth_->refresh(pair->refresh));  // the spent one again
  EXPECT_EQ(actions().back(), "refresh.reuse_detected");
  auto again = login(user_.email);
  ASSERT_TRUE(again);
  auto me = auth_->authenticate_bearer(again->token);
  ASSERT_TRUE(me);
  ASSERT_TRUE(auth_->logout(*me));
  EXPECT_EQ(actions().back(), "user.logout");
}

TEST_F(AuditTest, RoleChangesNameBothRolesAndANoOpRecordsNothing) {
  ASSERT_TRUE(users_->make_admin(user_.id));
  ASSERT_TRUE(users_->make_admin(user_.id));
  const auto all = events({.action = std::string("user.role_changed")});
  ASSERT_EQ(all.size(), 1u);
  const auto details = boost::json::parse(all[0].details);
  EXPECT_EQ(details.at("from"), "user");
  EXPECT_EQ(details.at("to"), "admin");
}

TEST_F(AuditTest, AProfileUpdateNamesTheChangedFieldsAndTheEmailChange) {
  UserUpdate in{"new@example.com", "F", "Other", std::nullopt, std::nullopt};
  ASSERT_TRUE(users_->update(actor(admin_), user_.id, in));
  EXPECT_EQ(actions(), (std::vector<std::string>{"user.updated", "user.email_changed"}));
  const auto updated = events({.action = std::string("user.updated")});
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(boost::json::serialize(boost::json::parse(updated[0].details).at("fields")),
            R"(["email","last_name"])");
}

TEST_F(AuditTest, TheUserFilterMatchesActorOrSubject) {
  ASSERT_TRUE(users_->ban(actor(admin_), user_.id, {}));
  RequestOrigin origin;
  origin.actor_id = user_.id;
  {
    const OriginScope scope(origin);
    ASSERT_TRUE(login(admin_.email));  // about the admin
  }
  EXPECT_EQ(actions({.user_id = user_.id}), std::vector<std::string>{"user.banned"});
  EXPECT_EQ(actions({.user_id = admin_.id}), std::vector<std::string>{"user.login"});
}

TEST_F(AuditTest, RetentionDeletesOnlyEventsPastIt) {
  ASSERT_TRUE(users_->make_admin(user_.id));
  now_ += 24h * 10;
  ASSERT_TRUE(users_->remove_admin(user_.id));
  Housekeeping housekeeping(
      *db_, [this] { return now_; }, 24h * 5);
  auto purged = housekeeping.run_once();
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  const auto left = events();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(boost::json::parse(left[0].details).at("to"), "user");
}

TEST_F(AuditTest, AnOperatorActionCarriesNoActorAndTheCliOrigin) {
  RequestOrigin cli{.user_agent = "gatehouse-cli"};
  {
    const OriginScope scope(cli);
    ASSERT_TRUE(users_->verify(make_user("later@example.com", store::kRoleUser, false).id));
  }
  const auto all = events();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].action, "user.verified");
  EXPECT_FALSE(all[0].actor_id.has_value());
  EXPECT_EQ(all[0].user_agent, "gatehouse-cli");
  EXPECT_EQ(all[0].ip, "");
}

TEST_F(AuditTest, TurnedOffItRecordsNothing) {
  AuditLog off(*db_, AuditOptions{.enabled = false, .webhook_endpoints = {"http://x/"}},
               [this] { return now_; });
  ASSERT_TRUE(off.atomically([&] { return off.record(AuditEntry::about_user("user.banned", 1)); }));
  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(deliveries().empty());
}

}  // namespace
}  // namespace gatehouse::services::testing
