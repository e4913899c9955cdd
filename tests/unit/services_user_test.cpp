// UserService against a real SQLite file with a clock the test moves: bans and their expiry,
// the last-admin rules, password and profile changes, and the operator's user creation and
// listing that the CLI goes through (docs/http-api.md §5 "User routes", and the CLI).
#include <gtest/gtest.h>

#include "service_fixture.hpp"
#include "store/record_rules.hpp"

namespace gatehouse::services::testing {
namespace {

using namespace std::chrono_literals;

class UserServiceTest : public ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    admin_ = make_user("admin@example.com", store::kRoleAdmin);
    user_ = make_user("user@example.com");
  }

  std::string bearer(const std::string& token) {
    return outcome(auth_->authenticate_bearer(token));
  }

  store::User admin_;
  store::User user_;
};

TEST_F(UserServiceTest, ABanEndsTheSessionsAndATimeLimitedOneRunsOut) {
  auto session = login(user_.email);
  ASSERT_TRUE(session);
  now_ += 1s;
  BanInput ban;
  ban.reason = "spam";
  ban.until = now_ + 1h;
  ASSERT_TRUE(users_->ban(actor(admin_), user_.id, ban));
  const store::User banned = reload(user_.id);
  EXPECT_TRUE(banned.banned);
  EXPECT_EQ(banned.banned_until, now_ + 1h);
  EXPECT_EQ(banned.ban_reason, std::optional<std::string>("spam"));
  EXPECT_EQ(bearer(session->token), kInvalidToken);
  EXPECT_EQ(outcome(auth_->refresh(session->refresh)), kInvalidToken);
  EXPECT_EQ(notifier_.kinds(), std::vector<std::string>{"banned"});
  EXPECT_EQ(outcome(users_->ban(actor(admin_), user_.id, {})),
            "This User is already banned/unbanned");
  EXPECT_EQ(outcome(login(user_.email)), kWrongCredentials);

  now_ += 1h - 1s;
  EXPECT_EQ(outcome(login(user_.email)), kWrongCredentials) << "one second left";
  now_ += 1s;
  EXPECT_EQ(outcome(login(user_.email)), "ok") << "the ban has run out";
  EXPECT_EQ(outcome(users_->unban(actor(admin_), user_.id)),
            "This User is already banned/unbanned");
  EXPECT_EQ(notifier_.kinds(), std::vector<std::string>{"banned"});
  // An expired ban may be replaced by a new one.
  EXPECT_EQ(outcome(users_->ban(actor(admin_), user_.id, {})), "ok");
}

TEST_F(UserServiceTest, AnUnlimitedBanLastsUntilLifted) {
  ASSERT_TRUE(users_->ban(actor(admin_), user_.id, {}));
  now_ += 24h * 365;
  EXPECT_EQ(outcome(login(user_.email)), kWrongCredentials);
  ASSERT_TRUE(users_->unban(actor(admin_), user_.id));
  const store::User after = reload(user_.id);
  EXPECT_FALSE(after.banned);
  EXPECT_FALSE(after.ban_reason.has_value());
  EXPECT_EQ(notifier_.kinds(), (std::vector<std::string>{"banned", "unbanned"}));
  now_ += 1s;
  EXPECT_EQ(outcome(login(user_.email)), "ok");
}

TEST_F(UserServiceTest, NobodyBansThemselvesSoTheLastAdminStays) {
  EXPECT_EQ(outcome(users_->ban(actor(admin_), admin_.id, {})), "You cannot ban/unban yourself!");
  EXPECT_FALSE(reload(admin_.id).banned);
  EXPECT_EQ(outcome(users_->unban(actor(admin_), admin_.id)), "You cannot ban/unban yourself!");
  EXPECT_EQ(outcome(users_->ban(actor(admin_), 999999, {})), kNoSuchUser);
  EXPECT_TRUE(notifier_.notices.empty());
}

TEST_F(UserServiceTest, TheLastAdminCannotBeDemotedOrDeleted) {
  EXPECT_EQ(outcome(users_->remove_admin(admin_.id)), store::kLastAdminDemote);
  EXPECT_EQ(reload(admin_.id).role, store::kRoleAdmin);
  EXPECT_EQ(outcome(users_->remove(admin_.id)), store::kLastAdminDelete);
  EXPECT_EQ(reload(admin_.id).email, admin_.email) << "still there";

  // With a second admin either may go, then the rule holds for the one left.
  ASSERT_TRUE(users_->make_admin(user_.id));
  ASSERT_TRUE(users_->remove_admin(admin_.id));
  EXPECT_EQ(reload(admin_.id).role, store::kRoleUser);
  EXPECT_EQ(outcome(users_->remove(user_.id)), store::kLastAdminDelete);
  ASSERT_TRUE(users_->remove(admin_.id));
  EXPECT_EQ(outcome(users_->get(admin_.id)), kNoSuchUser);
  EXPECT_EQ(outcome(users_->remove_admin(user_.id)), store::kLastAdminDemote);
  EXPECT_EQ(outcome(users_->make_admin(999999)), kNoSuchUser);
  EXPECT_EQ(outcome(users_->remove(999999)), kNoSuchUser);
}

TEST_F(UserServiceTest, OnesOwnPasswordChangeNeedsTheCurrentOneAndKeepsThisSession) {
  auto here = login(user_.email);
  auto elsewhere = login(user_.email);
  ASSERT_TRUE(here && elsewhere);
  auto me = auth_->authenticate_bearer(here->token);
  ASSERT_TRUE(me);
  EXPECT_EQ(outcome(users_->change_password(*me, user_.id, "Fresh-Horse-123", std::nullopt)),
            kCurrentPasswordRequired);
  EXPECT_EQ(outcome(users_->change_password(*me, user_.id, "Fresh-Horse-123",
                                            std::string("Wrong-Horse-99"))),
            kCurrentPasswordIncorrect);
  EXPECT_EQ(reload(user_.id).password_hash, user_.password_hash) << "nothing written";
  EXPECT_TRUE(notifier_.notices.empty());

  ASSERT_TRUE(users_->change_password(*me, user_.id, "Fresh-Horse-123", std::string(kPassword)));
  EXPECT_TRUE(hasher_->verify("Fresh-Horse-123", reload(user_.id).password_hash));
  EXPECT_EQ(bearer(here->token), "ok") << "the session that changed it stays";
  EXPECT_EQ(bearer(elsewhere->token), kInvalidToken);
  EXPECT_EQ(notifier_.kinds(), std::vector<std::string>{"password_changed"});
}

TEST_F(UserServiceTest, AnAdminsPasswordChangeCutsEveryToken) {
  auto session = login(user_.email);
  ASSERT_TRUE(session);
  now_ += 1s;
  ASSERT_TRUE(users_->change_password(actor(admin_), user_.id, "Admin-Set-Pass-1", std::nullopt));
  EXPECT_EQ(reload(user_.id).tokens_valid_after, now_);
  EXPECT_EQ(bearer(session->token), kInvalidToken);
  EXPECT_EQ(outcome(login(user_.email)), kWrongCredentials) << "the old password is gone";
  EXPECT_EQ(outcome(login(user_.email, "Admin-Set-Pass-1")), "ok");
}

TEST_F(UserServiceTest, AnEmailChangeUnverifiesAndMailsANewLink) {
  UserUpdate in;
  in.email = "moved@example.com";
  in.first_name = "M";
  in.last_name = "V";
  auto updated = users_->update(actor(user_), user_.id, in);
  ASSERT_TRUE(updated) << outcome(updated);
  EXPECT_EQ(updated->email, "moved@example.com");
  EXPECT_FALSE(updated->verified);
  EXPECT_EQ(updated->password_hash, user_.password_hash);
  ASSERT_EQ(notifier_.kinds(), std::vector<std::string>{"email_changed"});
  EXPECT_EQ(outcome(login("moved@example.com")), kNotVerified);
  ASSERT_TRUE(auth_->verify_email(notifier_.notices[0].token));
  EXPECT_EQ(outcome(login("moved@example.com")), "ok");

  in.email = admin_.email;
  EXPECT_EQ(outcome(users_->update(actor(user_), user_.id, in)), store::kUserEmailTaken);
  EXPECT_EQ(reload(user_.id).email, "moved@example.com");
}

TEST_F(UserServiceTest, UnlockEndsALockout) {
  for (int i = 0; i < settings_.auth.lockout_threshold; ++i) {
    (void)login(user_.email, "Wrong-Horse-99");
  }
  ASSERT_TRUE(reload(user_.id).locked_until.has_value());
  EXPECT_EQ(outcome(login(user_.email)), kWrongCredentials);
  ASSERT_TRUE(users_->unlock(user_.id));
  EXPECT_FALSE(reload(user_.id).locked_until.has_value());
  EXPECT_EQ(outcome(login(user_.email)), "ok");
  EXPECT_EQ(outcome(users_->unlock(999999)), kNoSuchUser);
}

TEST_F(UserServiceTest, RevokingAllSessionsCutsTokens) {
  auto session = login(user_.email);
  ASSERT_TRUE(session);
  now_ += 1s;
  ASSERT_TRUE(users_->revoke_all_sessions(user_.id));
  EXPECT_EQ(bearer(session->token), kInvalidToken);
  EXPECT_EQ(reload(user_.id).tokens_valid_after, now_);
  auto live = users_->sessions(user_.id);
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->empty());
  EXPECT_EQ(outcome(users_->revoke_all_sessions(999999)), kNoSuchUser);
}

TEST_F(UserServiceTest, OperatorCreationMakesVerifiedUsersAndChecksThePolicyWhenAsked) {
  auto created = users_->create({"cli@example.com", kPassword, "C", "L", true, true});
  ASSERT_TRUE(created) << outcome(created);
  EXPECT_TRUE(created->verified);
  EXPECT_EQ(created->role, store::kRoleAdmin);
  EXPECT_TRUE(hasher_->verify(kPassword, created->password_hash));
  EXPECT_EQ(outcome(login("cli@example.com")), "ok");

  EXPECT_EQ(outcome(users_->create({"cli@example.com", kPassword, "C", "L", false, true})),
            store::kUserEmailTaken);
  auto weak = users_->create({"weak@example.com", "short", "W", "K", false, true});
  ASSERT_FALSE(weak);
  EXPECT_NE(weak.error().public_message.find("Password must be at least"), std::string::npos)
      << weak.error().public_message;
  EXPECT_EQ(outcome(db_->users().find_by_email("weak@example.com")), "ok");
  EXPECT_FALSE(db_->users().find_by_email("weak@example.com")->has_value()) << "not created";
  auto forced = users_->create({"weak@example.com", "short", "W", "K", false, false});
  ASSERT_TRUE(forced) << outcome(forced);
  EXPECT_EQ(forced->role, store::kRoleUser);
  EXPECT_TRUE(notifier_.notices.empty()) << "operators' users get no email";
}

TEST_F(UserServiceTest, ListAfterWalksEveryUserByPages) {
  std::vector<std::int64_t> ids{admin_.id, user_.id};
  for (const char* email : {"c@example.com", "d@example.com", "e@example.com"}) {
    ids.push_back(make_user(email).id);
  }
  std::vector<std::int64_t> seen;
  std::int64_t after = 0;
  int pages = 0;
  for (;;) {
    auto page = users_->list_after(after, 2);
    ASSERT_TRUE(page);
    if (page->empty()) break;
    EXPECT_LE(page->size(), 2u);
    ++pages;
    for (const auto& u : *page) seen.push_back(u.id);
    after = page->back().id;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);
}

}  // namespace
}  // namespace gatehouse::services::testing
