// AuthService against a real SQLite file with a clock the test moves: registration, login and
// its lockout, refresh rotation with reuse detection, logout, the binding of verification and
// reset links, and the tokens_valid_after cut-off (docs/http-api.md §2-§4).
#include <gtest/gtest.h>

#include "observability/auth_metrics.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"
#include "service_fixture.hpp"

namespace gatehouse::services::testing {
namespace {

using namespace std::chrono_literals;

class AuthServiceTest : public ServiceFixture {
 protected:
  std::int64_t user_count() {
    auto n = db_->users().count();
    EXPECT_TRUE(n);
    return n ? *n : -1;
  }

  // The principal an access token stands for, or the failure's message.
  std::string bearer(const std::string& token) {
    return outcome(auth_->authenticate_bearer(token));
  }

  std::string session_of(const std::string& access) {
    auto p = auth_->authenticate_bearer(access);
    EXPECT_TRUE(p) << outcome(p);
    return p ? p->session_id : "";
  }
};

TEST_F(AuthServiceTest, RegistrationCreatesAnUnverifiedUserAndMailsTheLink) {
  ASSERT_TRUE(auth_->register_user({"new@example.com", kPassword, "New", "User"}));
  auto found = db_->users().find_by_email("new@example.com");
  ASSERT_TRUE(found && found->has_value());
  const store::User& u = **found;
  EXPECT_FALSE(u.verified);
  EXPECT_EQ(u.role, store::kRoleUser);
  EXPECT_EQ(u.first_name, "New");
  EXPECT_NE(u.password_hash, kPassword) << "only the hash is stored";
  EXPECT_TRUE(hasher_->verify(kPassword, u.password_hash));
  ASSERT_EQ(notifier_.kinds(), std::vector<std::string>{"welcome"});
  EXPECT_EQ(notifier_.notices[0].email, "new@example.com");
  EXPECT_EQ(outcome(login("new@example.com")), kNotVerified);

  ASSERT_TRUE(auth_->verify_email(notifier_.notices[0].token));
  EXPECT_TRUE(reload(u.id).verified);
  EXPECT_EQ(outcome(login("new@example.com")), "ok");
}

TEST_F(AuthServiceTest, RegisteringATakenAddressAnswersTheSameAndChangesNothing) {
  const store::User taken = make_user("taken@example.com");
  ASSERT_TRUE(auth_->register_user({"taken@example.com", "Other-Horse-77", "X", "Y"}));
  EXPECT_EQ(user_count(), 1);
  const store::User after = reload(taken.id);
  EXPECT_EQ(after.password_hash, taken.password_hash) << "the password stays";
  EXPECT_EQ(after.first_name, "F");
  EXPECT_EQ(notifier_.kinds(), std::vector<std::string>{"register_attempt"});

  // Still unverified: a fresh link instead of a notice, and still one row.
  make_user("pending@example.com", store::kRoleUser, false);
  ASSERT_TRUE(auth_->register_user({"pending@example.com", kPassword, "P", "Q"}));
  EXPECT_EQ(user_count(), 2);
  EXPECT_EQ(notifier_.kinds(), (std::vector<std::string>{"register_attempt", "welcome"}));
}

TEST_F(AuthServiceTest, PasswordPolicyAnswers) {
  const auto short_one = auth_->password_problem("short", "p@example.com");
  ASSERT_TRUE(short_one.has_value());
  EXPECT_NE(short_one->find("Password must be at least 12 characters"), std::string::npos)
      << *short_one;
  EXPECT_FALSE(auth_->password_problem(kPassword, "p@example.com").has_value());
  settings_.auth.password_min_length = 16;
  EXPECT_TRUE(auth_->password_problem(kPassword, "p@example.com").has_value())
      << "the configured minimum applies";
}

TEST_F(AuthServiceTest, LoginSucceedsAndRecordsIt) {
  const store::User u = make_user("a@example.com");
  auto pair = login("a@example.com");
  ASSERT_TRUE(pair) << outcome(pair);
  EXPECT_FALSE(pair->token.empty());
  EXPECT_FALSE(pair->refresh.empty());
  auto p = auth_->authenticate_bearer(pair->token);
  ASSERT_TRUE(p) << outcome(p);
  EXPECT_EQ(p->user.id, u.id);
  EXPECT_FALSE(p->session_id.empty());
  EXPECT_EQ(reload(u.id).last_login_at, now_);
  auto sessions = db_->sessions().list_active(u.id, now_);
  ASSERT_TRUE(sessions);
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].id, p->session_id);
  EXPECT_EQ((*sessions)[0].ip, "127.0.0.1");
  EXPECT_TRUE(notifier_.notices.empty());
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownEmailAnswerAlike) {
  const store::User u = make_user("a@example.com");
  EXPECT_EQ(outcome(login("a@example.com", "Wrong-Horse-99")), kWrongCredentials);
  EXPECT_EQ(reload(u.id).failed_logins, 1);
  EXPECT_EQ(outcome(login("nobody@example.com")), kWrongCredentials);
  EXPECT_EQ(user_count(), 1) << "an unknown email creates nothing";
  EXPECT_EQ(reload(u.id).failed_logins, 1) << "nor counts against anyone";
  EXPECT_FALSE(reload(u.id).last_login_at.has_value());

  ASSERT_TRUE(login("a@example.com"));
  EXPECT_EQ(reload(u.id).failed_logins, 0) << "a success restarts the count";
}

TEST_F(AuthServiceTest, LockoutAfterTheThresholdEndsWhenTheClockPassesIt) {
  const store::User u = make_user("a@example.com");
  for (int i = 0; i < settings_.auth.lockout_threshold - 1; ++i) {
    EXPECT_EQ(outcome(login("a@example.com", "Wrong-Horse-99")), kWrongCredentials);
  }
  EXPECT_FALSE(reload(u.id).locked_until.has_value()) << "not yet at the threshold";
  EXPECT_TRUE(notifier_.notices.empty());
  EXPECT_EQ(outcome(login("a@example.com", "Wrong-Horse-99")), kWrongCredentials);
  const auto locked_until = now_ + std::chrono::minutes(settings_.auth.lockout_minutes);
  EXPECT_EQ(reload(u.id).locked_until, locked_until);
  EXPECT_EQ(notifier_.kinds(), std::vector<std::string>{"account_locked"});

  EXPECT_EQ(outcome(login("a@example.com")), kWrongCredentials) << "the right password too";
  now_ = locked_until - 1s;
  EXPECT_EQ(outcome(login("a@example.com")), kWrongCredentials) << "one second before the end";
  now_ = locked_until;
  EXPECT_EQ(outcome(login("a@example.com")), "ok") << "the lockout has ended";
  EXPECT_EQ(notifier_.kinds(), std::vector<std::string>{"account_locked"}) << "one notice";
}

TEST_F(AuthServiceTest, RefreshRotatesAndAReusedTokenEndsTheSession) {
  make_user("a@example.com");
  auto first = login("a@example.com");
  ASSERT_TRUE(first);
  const std::string sid = session_of(first->token);
  now_ += 1min;
  auto second = auth_->refresh(first->refresh);
  ASSERT_TRUE(second) << outcome(second);
  EXPECT_NE(second->refresh, first->refresh);
  EXPECT_EQ(session_of(second->token), sid) << "the same session goes on";
  now_ += 1min;
  auto third = auth_->refresh(second->refresh);
  ASSERT_TRUE(third) << outcome(third);

  // The first refresh token was spent: presenting it again means a copy exists.
  EXPECT_EQ(outcome(auth_->refresh(first->refresh)), kInvalidToken);
  auto session = db_->sessions().find(sid);
  ASSERT_TRUE(session && session->has_value());
  EXPECT_TRUE((*session)->revoked_at.has_value());
  EXPECT_EQ((*session)->revoked_reason, "reuse");
  EXPECT_EQ(outcome(auth_->refresh(third->refresh)), kInvalidToken) << "the live one dies too";
  EXPECT_EQ(bearer(third->token), kInvalidToken) << "and its access token";
}

TEST_F(AuthServiceTest, RefreshTokensExpireWithTheirLifetime) {
  make_user("a@example.com");
  auto pair = login("a@example.com");
  ASSERT_TRUE(pair);
  now_ += std::chrono::minutes(settings_.auth.refresh_token_expire_minutes);
  EXPECT_EQ(outcome(auth_->refresh(pair->refresh)), kExpiredToken);
}

TEST_F(AuthServiceTest, LogoutEndsOneSessionAndLogoutAllEveryOne) {
  const store::User u = make_user("a@example.com");
  auto one = login("a@example.com");
  auto two = login("a@example.com");
  ASSERT_TRUE(one && two);
  auto p1 = auth_->authenticate_bearer(one->token);
  ASSERT_TRUE(p1);
  ASSERT_TRUE(auth_->logout(*p1));
  EXPECT_EQ(bearer(one->token), kInvalidToken);
  EXPECT_EQ(outcome(auth_->refresh(one->refresh)), kInvalidToken);
  EXPECT_EQ(bearer(two->token), "ok") << "the other session stays";

  now_ += 1s;
  auto p2 = auth_->authenticate_bearer(two->token);
  ASSERT_TRUE(p2);
  ASSERT_TRUE(auth_->logout_all(*p2));
  EXPECT_EQ(bearer(two->token), kInvalidToken);
  EXPECT_EQ(outcome(auth_->refresh(two->refresh)), kInvalidToken);
  EXPECT_EQ(reload(u.id).tokens_valid_after, now_);
  auto live = db_->sessions().list_active(u.id, now_);
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->empty());

  now_ += 1s;
  auto again = login("a@example.com");
  ASSERT_TRUE(again);
  EXPECT_EQ(bearer(again->token), "ok") << "signing in again works";
}

TEST_F(AuthServiceTest, TokensIssuedBeforeTheCutOffAreRefused) {
  const store::User u = make_user("a@example.com");
  auto before = login("a@example.com");
  ASSERT_TRUE(before);
  now_ += 1s;
  // Only the cut-off: the session row stays live, so the cut alone must refuse them.
  ASSERT_TRUE(db_->users().cut_tokens(u.id, now_));
  EXPECT_EQ(bearer(before->token), kInvalidToken);
  EXPECT_EQ(outcome(auth_->refresh(before->refresh)), kInvalidToken);
  auto after = login("a@example.com");
  ASSERT_TRUE(after);
  EXPECT_EQ(bearer(after->token), "ok") << "issued at the cut-off: valid";
  now_ += 1s;
  EXPECT_EQ(outcome(auth_->refresh(after->refresh)), "ok");
}

TEST_F(AuthServiceTest, AVerificationLinkVerifiesOnlyTheAddressItWasSentTo) {
  ASSERT_TRUE(auth_->register_user({"old@example.com", kPassword, "O", "A"}));
  ASSERT_EQ(notifier_.notices.size(), 1u);
  const std::string old_link = notifier_.notices[0].token;
  auto u = db_->users().find_by_email("old@example.com");
  ASSERT_TRUE(u && u->has_value());
  const std::int64_t id = (*u)->id;
  ASSERT_TRUE(db_->users().update_profile(id, {"new@example.com", "O", "A", {}}));

  EXPECT_EQ(outcome(auth_->verify_email(old_link)), kInvalidToken);
  EXPECT_FALSE(reload(id).verified);

  auth_->resend_verification("new@example.com");
  ASSERT_EQ(notifier_.kinds(), (std::vector<std::string>{"welcome", "welcome"}));
  EXPECT_EQ(notifier_.notices[1].email, "new@example.com");
  ASSERT_TRUE(auth_->verify_email(notifier_.notices[1].token));
  EXPECT_TRUE(reload(id).verified);
  EXPECT_EQ(outcome(auth_->verify_email(notifier_.notices[1].token)), kInvalidToken)
      << "single use";
}

TEST_F(AuthServiceTest, AVerificationLinkExpires) {
  ASSERT_TRUE(auth_->register_user({"a@example.com", kPassword, "A", "B"}));
  ASSERT_EQ(notifier_.notices.size(), 1u);
  now_ += std::chrono::minutes(settings_.auth.verify_token_expire_minutes);
  EXPECT_EQ(outcome(auth_->verify_email(notifier_.notices[0].token)), kExpiredToken);
  auto u = db_->users().find_by_email("a@example.com");
  ASSERT_TRUE(u && u->has_value());
  EXPECT_FALSE((*u)->verified);
}

TEST_F(AuthServiceTest, AResetLinkSetsThePasswordOnceAndEndsEverySession) {
  const store::User u = make_user("a@example.com");
  auto session = login("a@example.com");
  ASSERT_TRUE(session);
  auth_->forgot_password("a@example.com");
  ASSERT_EQ(notifier_.kinds(), std::vector<std::string>{"password_reset"});
  const std::string link = notifier_.notices[0].token;
  auto checked = auth_->check_reset_code(link);
  ASSERT_TRUE(checked) << outcome(checked);
  EXPECT_EQ(checked->id, u.id);

  now_ += 1s;
  ASSERT_TRUE(auth_->reset_password(link, "Fresh-Horse-123"));
  EXPECT_TRUE(hasher_->verify("Fresh-Horse-123", reload(u.id).password_hash));
  EXPECT_EQ(reload(u.id).tokens_valid_after, now_);
  EXPECT_EQ(bearer(session->token), kInvalidToken);
  EXPECT_EQ(outcome(auth_->refresh(session->refresh)), kInvalidToken);
  EXPECT_EQ(notifier_.kinds(), (std::vector<std::string>{"password_reset", "password_changed"}));
  EXPECT_EQ(outcome(auth_->reset_password(link, "Other-Horse-456")), kInvalidToken) << "single use";
  EXPECT_TRUE(hasher_->verify("Fresh-Horse-123", reload(u.id).password_hash));
  now_ += 1s;
  EXPECT_EQ(outcome(login("a@example.com", "Fresh-Horse-123")), "ok");
}

TEST_F(AuthServiceTest, AResetLinkDiesWhenThePasswordChanges) {
  const store::User u = make_user("a@example.com");
  const store::User admin = make_user("admin@example.com", store::kRoleAdmin);
  auth_->forgot_password("a@example.com");
  ASSERT_EQ(notifier_.notices.size(), 1u);
  const std::string link = notifier_.notices[0].token;
  ASSERT_TRUE(users_->change_password(actor(admin), u.id, "Admin-Set-Pass-1", std::nullopt));
  const std::string hash = reload(u.id).password_hash;

  EXPECT_EQ(outcome(auth_->check_reset_code(link)), kInvalidToken);
  EXPECT_EQ(outcome(auth_->reset_password(link, "Fresh-Horse-123")), kInvalidToken);
  EXPECT_EQ(reload(u.id).password_hash, hash) << "nothing written";
}

TEST_F(AuthServiceTest, BannedUsersGetNoResetLinkAndCannotSignIn) {
  const store::User u = make_user("a@example.com");
  ASSERT_TRUE(db_->users().set_ban(u.id, {true, now_ + 1h, std::nullopt, std::nullopt}));
  auth_->forgot_password("a@example.com");
  EXPECT_TRUE(notifier_.notices.empty());
  EXPECT_EQ(outcome(login("a@example.com")), kWrongCredentials);
  now_ += 1h;
  EXPECT_EQ(outcome(login("a@example.com")), "ok") << "the ban has run out";
}

// The process-wide counters: each check compares before and after.
double auth_failures(std::string_view reason, std::string_view method) {
  obs::register_auth_metrics();
  return obs::metrics()
      .counter(obs::metrics_namespace() + "_auth_failures_total", "", {"reason", "method"})
      .with({reason, method})
      .value();
}

double login_attempts(std::string_view status) {
  obs::register_auth_metrics();
  return obs::metrics()
      .counter(obs::metrics_namespace() + "_login_attempts_total", "", {"status"})
      .with({status})
      .value();
}

TEST_F(AuthServiceTest, LoginOutcomesAreCountedByStatus) {
  const store::User u = make_user("a@example.com");
  make_user("pending@example.com", store::kRoleUser, false);
  const auto counted = [](std::string_view status, const auto& attempt) {
    const double before = login_attempts(status);
    attempt();
    EXPECT_EQ(login_attempts(status) - before, 1) << status;
  };
  counted("success", [&] { EXPECT_TRUE(login("a@example.com")); });
  counted("invalid_password", [&] { EXPECT_FALSE(login("a@example.com", "Wrong-Horse-99")); });
  counted("not_found", [&] { EXPECT_FALSE(login("nobody@example.com")); });
  counted("not_verified", [&] { EXPECT_FALSE(login("pending@example.com")); });
  ASSERT_TRUE(db_->users().set_ban(u.id, {true, now_ + 1h, std::nullopt, std::nullopt}));
  counted("banned", [&] { EXPECT_FALSE(login("a@example.com")); });
  ASSERT_TRUE(db_->users().set_ban(u.id, {false, std::nullopt, std::nullopt, std::nullopt}));
  ASSERT_TRUE(login("a@example.com"));  // restarts the failure count
  for (int i = 1; i < settings_.auth.lockout_threshold; ++i) (void)login("a@example.com", "x");
  counted("invalid_password", [&] { EXPECT_FALSE(login("a@example.com", "Wrong-Horse-99")); });
  counted("locked", [&] { EXPECT_FALSE(login("a@example.com")); });
}

TEST_F(AuthServiceTest, RefusedTokensAreCountedByReasonAndMethod) {
  const auto counted = [](std::string_view reason, std::string_view method, const auto& use) {
    const double before = auth_failures(reason, method);
    use();
    EXPECT_EQ(auth_failures(reason, method) - before, 1) << reason << " " << method;
  };
  const store::User u = make_user("a@example.com");
  auto pair = login("a@example.com");
  ASSERT_TRUE(pair);
  counted("invalid_token", "jwt", [&] { EXPECT_EQ(bearer("not.a.token"), kInvalidToken); });
  counted("invalid_token", "refresh_token",
          [&] { EXPECT_EQ(outcome(auth_->refresh(pair->token)), kInvalidToken); });
  ASSERT_TRUE(db_->users().set_ban(u.id, {true, now_ + 1h, std::nullopt, std::nullopt}));
  counted("banned_user", "jwt", [&] { EXPECT_EQ(bearer(pair->token), kInvalidToken); });
  counted("banned_user", "refresh_token",
          [&] { EXPECT_EQ(outcome(auth_->refresh(pair->refresh)), kInvalidToken); });
  now_ += std::chrono::minutes(settings_.auth.refresh_token_expire_minutes);
  counted("expired_token", "jwt", [&] { EXPECT_EQ(bearer(pair->token), kExpiredToken); });
  counted("expired_token", "refresh_token",
          [&] { EXPECT_EQ(outcome(auth_->refresh(pair->refresh)), kExpiredToken); });

  ASSERT_TRUE(auth_->register_user({"new@example.com", kPassword, "N", "U"}));
  const std::string link = notifier_.notices.back().token;
  ASSERT_TRUE(auth_->verify_email(link));
  counted("already_verified", "verify_email",
          [&] { EXPECT_EQ(outcome(auth_->verify_email(link)), kInvalidToken); });
  counted("invalid_token", "password_reset",
          [&] { EXPECT_FALSE(auth_->reset_password(link, "Another-Horse-77")); });
}

}  // namespace
}  // namespace gatehouse::services::testing
