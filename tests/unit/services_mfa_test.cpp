// Two-factor authentication in the services (MfaService, AuthService::login_mfa) against a
// real SQLite file and a clock the test moves; TOTP codes come from oathtool, not from our
// own code (docs/http-api.md §4 "Two-factor authentication").
#include <gtest/gtest.h>

#include <regex>

#include "crypto/totp.hpp"
#include "service_fixture.hpp"
#include "support/oathtool.hpp"

namespace gatehouse::services::testing {
namespace {

using namespace std::chrono_literals;
using gatehouse::testing::oathtool_code;

class MfaTest : public ServiceFixture {
 protected:
  std::int64_t now_unix() const { return unix_seconds(now_); }

  // The current principal of `u` signed in with a password (TOTP off), its session kept.
  Principal signed_in(const store::User& u) {
    auto pair = login(u.email);
    EXPECT_TRUE(pair) << outcome(pair);
    auto p = auth_->authenticate_bearer(pair ? pair->token : "");
    EXPECT_TRUE(p) << outcome(p);
    return p ? *p : Principal{};
  }

  // Enrols `u` and turns TOTP on; returns the base32 secret, the recovery codes in `codes`.
  std::string enable(const store::User& u, std::vector<std::string>* codes = nullptr) {
    Principal p = signed_in(u);
    auto enrolment = mfa_->start_enrolment(p);
    EXPECT_TRUE(enrolment) << outcome(enrolment);
    p.user = reload(u.id);
    auto confirmed = mfa_->confirm(p, oathtool_code(enrolment->secret, now_unix()));
    EXPECT_TRUE(confirmed) << outcome(confirmed);
    if (codes && confirmed) *codes = *confirmed;
    // Three steps on: the confirmation's code is out of every later test's ±1 window.
    now_ += 90s;
    return enrolment ? enrolment->secret : "";
  }

  std::string mfa_token(const store::User& u) {
    auto r = login_result(u.email);
    EXPECT_TRUE(r) << outcome(r);
    EXPECT_TRUE(r && r->mfa_required());
    return r ? r->mfa_token : "";
  }

  Result<TokenPair> second_step(const std::string& token, const std::string& code) {
    return auth_->login_mfa(token, code, {"127.0.0.1", "test"});
  }

  // A principal of `u` after TOTP is on: signed in with a code of a step not used yet.
  Principal signed_in_after_enable(const store::User& u, const std::string& secret) {
    auto pair = second_step(mfa_token(u), oathtool_code(secret, now_unix()));
    EXPECT_TRUE(pair) << outcome(pair);
    auto p = auth_->authenticate_bearer(pair ? pair->token : "");
    EXPECT_TRUE(p) << outcome(p);
    return p ? *p : Principal{};
  }

  std::size_t live_sessions(const store::User& u) {
    auto s = db_->sessions().list_active(u.id, now_);
    EXPECT_TRUE(s);
    return s ? s->size() : 0;
  }
};

TEST_F(MfaTest, EnrolmentGivesASecretStoredSealedAndChangesNothingElse) {
  const store::User u = make_user("alice@example.com");
  const Principal p = signed_in(u);
  auto enrolment = mfa_->start_enrolment(p);
  ASSERT_TRUE(enrolment) << outcome(enrolment);
  EXPECT_TRUE(std::regex_match(enrolment->secret, std::regex("[A-Z2-7]{32}")));
  EXPECT_EQ(enrolment->otpauth_uri.rfind("otpauth://totp/", 0), 0u);
  EXPECT_NE(enrolment->otpauth_uri.find("alice%40example.com"), std::string::npos);
  EXPECT_NE(enrolment->otpauth_uri.find("secret=" + enrolment->secret), std::string::npos);
  const store::User after = reload(u.id);
  EXPECT_FALSE(after.mfa_enabled);
  ASSERT_TRUE(after.mfa_secret);
  // Sealed: neither the base32 secret nor its bytes appear in the column.
  EXPECT_EQ(after.mfa_secret->find(enrolment->secret), std::string::npos);
  auto raw = crypto::base32_decode(enrolment->secret);
  ASSERT_TRUE(raw);
  EXPECT_EQ(after.mfa_secret->find(*raw), std::string::npos);
  // Pending only: the password alone still signs in.
  auto pair = login(u.email);
  ASSERT_TRUE(pair) << outcome(pair);
  EXPECT_FALSE(pair->token.empty());
}

TEST_F(MfaTest, ConfirmTurnsItOnWithTenRecoveryCodesAndEndsOtherSessions) {
  const store::User u = make_user("bob@example.com");
  const Principal other = signed_in(u);
  Principal p = signed_in(u);
  auto enrolment = mfa_->start_enrolment(p);
  ASSERT_TRUE(enrolment);
  p.user = reload(u.id);
  auto codes = mfa_->confirm(p, oathtool_code(enrolment->secret, now_unix()));
  ASSERT_TRUE(codes) << outcome(codes);
  ASSERT_EQ(codes->size(), 10u);
  for (const auto& c : *codes)
    EXPECT_TRUE(std::regex_match(c, std::regex("[a-z2-7]{5}-[a-z2-7]{5}")));
  EXPECT_TRUE(reload(u.id).mfa_enabled);
  EXPECT_EQ(notifier_.kinds().back(), "mfa_enabled");
  // The caller's session stays; the other one ended.
  EXPECT_TRUE(auth_->authenticate_bearer(*tokens_->access(u, p.session_id)));
  EXPECT_EQ(outcome(auth_->authenticate_bearer(*tokens_->access(u, other.session_id))),
            kInvalidToken);
  // Stored hashed: no code appears in the table.
  auto stored = db_->mfa().unused_recovery_codes(u.id);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 10u);
  for (const auto& row : *stored) {
    for (const auto& c : *codes) EXPECT_EQ(row.code_hash.find(c.substr(0, 5)), std::string::npos);
  }
}

TEST_F(MfaTest, ConfirmRefusesBadCodesAndChangesNothing) {
  const store::User u = make_user("carol@example.com");
  Principal p = signed_in(u);
  // Nothing pending yet.
  EXPECT_EQ(outcome(mfa_->confirm(p, "123456")), kMfaNotPending);
  auto first = mfa_->start_enrolment(p);
  ASSERT_TRUE(first);
  auto second = mfa_->start_enrolment(p);  // replaces the first secret
  ASSERT_TRUE(second);
  ASSERT_NE(first->secret, second->secret);
  p.user = reload(u.id);
  const std::string sealed = *p.user.mfa_secret;
  const std::string good = oathtool_code(second->secret, now_unix());
  const std::string old_secret_code = oathtool_code(first->secret, now_unix());
  for (const std::string& bad :
       {good.substr(0, 3) + " " + good.substr(3), good.substr(0, 5), good + "1",
        std::string("12345a"), std::string("abcdef"), old_secret_code, std::string("")}) {
    if (bad == good) continue;  // an old secret's code may collide with the new one's (1e-6)
    EXPECT_EQ(outcome(mfa_->confirm(p, bad)), kInvalidMfaCode) << "[" << bad << "]";
  }
  const store::User after = reload(u.id);
  EXPECT_FALSE(after.mfa_enabled);
  EXPECT_EQ(after.mfa_secret, sealed);
  EXPECT_TRUE(notifier_.kinds().empty() || notifier_.kinds().back() != "mfa_enabled");
  // The right code still works afterwards.
  EXPECT_TRUE(mfa_->confirm(p, good));
  // Once on, a new enrolment is refused until it is turned off.
  p.user = reload(u.id);
  EXPECT_EQ(outcome(mfa_->start_enrolment(p)), kMfaAlreadyEnabled);
  EXPECT_EQ(outcome(mfa_->confirm(p, good)), kMfaAlreadyEnabled);
}

TEST_F(MfaTest, PasswordLoginAsksForTheSecondFactorAndStartsNoSession) {
  const store::User u = make_user("dave@example.com");
  const std::string secret = enable(u);
  const std::size_t before = live_sessions(u);
  auto first = login_result(u.email);
  ASSERT_TRUE(first) << outcome(first);
  ASSERT_TRUE(first->mfa_required());
  EXPECT_TRUE(first->tokens.token.empty());
  EXPECT_TRUE(first->tokens.refresh.empty());
  EXPECT_EQ(live_sessions(u), before);
  // The mfa_token is not an access token, and an access token is not an mfa_token.
  EXPECT_EQ(outcome(auth_->authenticate_bearer(first->mfa_token)), kInvalidToken);
  auto pair = second_step(first->mfa_token, oathtool_code(secret, now_unix()));
  ASSERT_TRUE(pair) << outcome(pair);
  EXPECT_TRUE(auth_->authenticate_bearer(pair->token));
  EXPECT_EQ(live_sessions(u), before + 1);
  EXPECT_EQ(outcome(second_step(pair->token, oathtool_code(secret, now_unix() + 30))),
            kInvalidToken);
  EXPECT_EQ(outcome(second_step(pair->refresh, oathtool_code(secret, now_unix() + 30))),
            kInvalidToken);
}

TEST_F(MfaTest, ACodeWorksOnceAndOneStepOfSkewEitherWay) {
  const store::User u = make_user("erin@example.com");
  const std::string secret = enable(u);
  const std::string code = oathtool_code(secret, now_unix());
  ASSERT_TRUE(second_step(mfa_token(u), code));
  // The same code again, with a fresh mfa_token: refused.
  EXPECT_EQ(outcome(second_step(mfa_token(u), code)), kInvalidMfaCode);
  EXPECT_TRUE(second_step(mfa_token(u), oathtool_code(secret, now_unix() - 30)));
  EXPECT_TRUE(second_step(mfa_token(u), oathtool_code(secret, now_unix() + 30)));
  EXPECT_EQ(outcome(second_step(mfa_token(u), oathtool_code(secret, now_unix() - 60))),
            kInvalidMfaCode);
  EXPECT_EQ(outcome(second_step(mfa_token(u), oathtool_code(secret, now_unix() + 60))),
            kInvalidMfaCode);
}

TEST_F(MfaTest, AnMfaTokenIsSpentBySuccessOrByItsFifthFailure) {
  settings_.auth.lockout_threshold = 100;  // this test is about the token, not the lockout
  const store::User u = make_user("frank@example.com");
  const std::string secret = enable(u);
  const std::string token = mfa_token(u);
  ASSERT_TRUE(second_step(token, oathtool_code(secret, now_unix())));
  now_ += 30s;
  EXPECT_EQ(outcome(second_step(token, oathtool_code(secret, now_unix()))), kInvalidToken);

  const std::string other = mfa_token(u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(outcome(second_step(other, "000000")), kInvalidMfaCode);
  now_ += 30s;
  EXPECT_EQ(outcome(second_step(other, oathtool_code(secret, now_unix()))), kInvalidToken);
}

TEST_F(MfaTest, AnotherUsersTokenAnExpiredOneAndOneFromBeforeAPasswordChangeAreRefused) {
  settings_.auth.lockout_threshold = 100;
  const store::User a = make_user("gina@example.com");
  const store::User b = make_user("hank@example.com");
  enable(a);
  const std::string b_secret = enable(b);
  // A's token with B's code: a wrong code for A.
  EXPECT_EQ(outcome(second_step(mfa_token(a), oathtool_code(b_secret, now_unix()))),
            kInvalidMfaCode);

  const std::string expiring = mfa_token(b);
  now_ += 6min;
  EXPECT_EQ(outcome(second_step(expiring, oathtool_code(b_secret, now_unix()))), kExpiredToken);

  const std::string before_change = mfa_token(b);
  store::PasswordUpdate change;
  change.hash = *hasher_->hash("Another-Horse-10");
  ASSERT_TRUE(db_->users().set_password(b.id, change));
  now_ += 30s;
  EXPECT_EQ(outcome(second_step(before_change, oathtool_code(b_secret, now_unix()))),
            kInvalidToken);
}

TEST_F(MfaTest, WrongCodesCountTowardTheLockout) {
  const store::User u = make_user("ivy@example.com");  // fixture threshold: 3
  const std::string secret = enable(u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(outcome(second_step(mfa_token(u), "111111")), kInvalidMfaCode);
  }
  EXPECT_TRUE(reload(u.id).locked_until.has_value());
  EXPECT_EQ(notifier_.kinds().back(), "account_locked");
  EXPECT_EQ(outcome(login_result(u.email)), kWrongCredentials);
}

TEST_F(MfaTest, ARecoveryCodeWorksOnceAndTellsTheOwner) {
  const store::User u = make_user("jack@example.com");
  std::vector<std::string> codes;
  enable(u, &codes);
  ASSERT_EQ(codes.size(), 10u);
  auto pair = second_step(mfa_token(u), codes[3]);
  ASSERT_TRUE(pair) << outcome(pair);
  EXPECT_EQ(notifier_.notices.back().kind, "mfa_recovery_code_used");
  EXPECT_EQ(notifier_.notices.back().token, "9");
  EXPECT_EQ(outcome(second_step(mfa_token(u), codes[3])), kInvalidMfaCode);
  // Case and the hyphen do not matter.
  std::string upper = codes[4];
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.erase(5, 1);
  EXPECT_TRUE(second_step(mfa_token(u), upper));
  EXPECT_EQ(notifier_.notices.back().token, "8");
  // Another user's code is nothing for this one.
  const store::User v = make_user("kate@example.com");
  std::vector<std::string> v_codes;
  enable(v, &v_codes);
  EXPECT_EQ(outcome(second_step(mfa_token(u), v_codes[0])), kInvalidMfaCode);
}

TEST_F(MfaTest, DisableNeedsACodeOrThePasswordAndEndsOtherSessions) {
  const store::User u = make_user("liam@example.com");
  Principal p = signed_in(u);
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = std::nullopt, .password = kPassword})),
            kMfaNotEnabled);
  const std::string secret = enable(u);
  auto pair = second_step(mfa_token(u), oathtool_code(secret, now_unix()));
  ASSERT_TRUE(pair);
  auto other = second_step(mfa_token(u), oathtool_code(secret, now_unix() + 30));
  ASSERT_TRUE(other);
  p = *auth_->authenticate_bearer(pair->token);
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = std::nullopt, .password = "Wrong-Horse-9"})),
            kCurrentPasswordIncorrect);
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = "000000", .password = std::nullopt})),
            kInvalidMfaCode);
  EXPECT_TRUE(reload(u.id).mfa_enabled);
  ASSERT_TRUE(mfa_->disable(p, {.code = std::nullopt, .password = kPassword}));
  const store::User after = reload(u.id);
  EXPECT_FALSE(after.mfa_enabled);
  EXPECT_FALSE(after.mfa_secret);
  EXPECT_EQ(notifier_.kinds().back(), "mfa_disabled");
  EXPECT_TRUE(auth_->authenticate_bearer(pair->token));
  EXPECT_EQ(outcome(auth_->authenticate_bearer(other->token)), kInvalidToken);
  auto left = db_->mfa().unused_recovery_codes(u.id);
  ASSERT_TRUE(left);
  EXPECT_TRUE(left->empty());
  // The password alone signs in again.
  EXPECT_FALSE(login_result(u.email)->mfa_required());
}

TEST_F(MfaTest, AdminResetTurnsItOffAndEndsEverySession) {
  const store::User u = make_user("mia@example.com");
  const std::string secret = enable(u);
  auto pair = second_step(mfa_token(u), oathtool_code(secret, now_unix()));
  ASSERT_TRUE(pair);
  const std::string pending = mfa_token(u);
  EXPECT_EQ(outcome(mfa_->reset(999999)), kNoSuchUser);
  ASSERT_TRUE(mfa_->reset(u.id));
  EXPECT_FALSE(reload(u.id).mfa_enabled);
  EXPECT_EQ(notifier_.kinds().back(), "mfa_disabled");
  EXPECT_EQ(outcome(auth_->authenticate_bearer(pair->token)), kInvalidToken);
  // A sign-in half done before the reset is dead too.
  now_ += 30s;
  EXPECT_EQ(outcome(second_step(pending, oathtool_code(secret, now_unix()))), kInvalidToken);
  // Resetting a user without TOTP succeeds and mails nobody.
  const std::size_t mails = notifier_.notices.size();
  EXPECT_TRUE(mfa_->reset(u.id));
  EXPECT_EQ(notifier_.notices.size(), mails);
}

TEST_F(MfaTest, AUsedCodeStaysRefusedForAsLongAsItIsAccepted) {
  settings_.auth.lockout_threshold = 100;
  const store::User u = make_user("nora@example.com");
  const std::string secret = enable(u);
  const std::int64_t step_start = now_unix();
  const std::string code = oathtool_code(secret, step_start);
  ASSERT_TRUE(second_step(mfa_token(u), code));
  // The step of this code is accepted until the end of the next step: replays stay refused
  // all that time (the replay guard runs on the same clock here).
  for (const auto later : {1s, 30s, 59s}) {
    now_ = store::Timestamp(std::chrono::seconds(step_start - step_start % 30)) + later;
    EXPECT_EQ(outcome(second_step(mfa_token(u), code)), kInvalidMfaCode) << later.count();
  }
  now_ += 1s;  // two steps on: the code itself is too old now
  EXPECT_EQ(outcome(second_step(mfa_token(u), code)), kInvalidMfaCode);
}

TEST_F(MfaTest, WrongProofsAtDisableCountTowardTheLockout) {
  const store::User u = make_user("owen@example.com");  // fixture threshold: 3
  const std::string secret = enable(u);
  Principal p = signed_in_after_enable(u, secret);
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = "000000", .password = std::nullopt})),
            kInvalidMfaCode);
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = std::nullopt, .password = "Wrong-Horse-9"})),
            kCurrentPasswordIncorrect);
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = "abcde-fghij", .password = std::nullopt})),
            kInvalidMfaCode);
  p.user = reload(u.id);
  ASSERT_TRUE(p.user.locked_until.has_value());
  // Locked: even the right password is refused, and TOTP stays on.
  EXPECT_EQ(outcome(mfa_->disable(p, {.code = std::nullopt, .password = kPassword})),
            kCurrentPasswordIncorrect);
  EXPECT_TRUE(reload(u.id).mfa_enabled);
}

TEST_F(MfaTest, ASecretThatDoesNotOpenIsAServerFaultNotAWrongCode) {
  const store::User u = make_user("pia@example.com");
  ASSERT_TRUE(*db_->mfa().set_pending_secret(u.id, "v1:c2VhbGVkIHVuZGVyIGFub3RoZXIga2V5"));
  Principal p = signed_in(u);
  auto r = mfa_->confirm(p, "123456");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ErrorCode::kInternal));
  EXPECT_EQ(reload(u.id).failed_logins, 0);
}

TEST_F(MfaTest, AnAdminCannotResetTheirOwnTotpWithoutProof) {
  const store::User admin = make_user("quinn@example.com", store::kRoleAdmin);
  enable(admin);
  const Principal p = actor(reload(admin.id));
  EXPECT_EQ(outcome(mfa_->reset(admin.id, &p)), kMfaOwnReset);
  EXPECT_TRUE(reload(admin.id).mfa_enabled);
  // The operator (CLI) can.
  EXPECT_TRUE(mfa_->reset(admin.id));
}

TEST_F(MfaTest, RepeatedLockoutsFromWrongCodesGrowLonger) {
  const store::User u = make_user("rita@example.com");  // threshold 3, 15 minutes
  const std::string secret = enable(u);
  const auto wrong_codes = [&](int n) {
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(outcome(second_step(mfa_token(u), "000000")), kInvalidMfaCode);
    }
  };
  const auto lock_minutes = [&] {
    const store::User now_user = reload(u.id);
    EXPECT_TRUE(now_user.locked_until.has_value());
    return now_user.locked_until
               ? std::chrono::duration_cast<std::chrono::minutes>(*now_user.locked_until - now_)
                     .count()
               : -1;
  };
  wrong_codes(3);
  EXPECT_EQ(lock_minutes(), 15);
  now_ += 16min;
  wrong_codes(3);
  EXPECT_EQ(lock_minutes(), 30);
  now_ += 16min;
  // Still locked: the password alone is refused, as any answer would be.
  EXPECT_EQ(outcome(login_result(u.email)), kWrongCredentials);
  now_ += 15min;
  wrong_codes(3);
  EXPECT_EQ(lock_minutes(), 60);
  const std::size_t locked_mails = [&] {
    std::size_t n = 0;
    for (const auto& notice : notifier_.notices) n += notice.kind == "account_locked";
    return n;
  }();
  EXPECT_EQ(locked_mails, 3u) << "one email per lock";
  // A completed sign-in ends the run: the next lock is the first again.
  now_ += 61min;
  ASSERT_TRUE(second_step(mfa_token(u), oathtool_code(secret, now_unix())));
  wrong_codes(3);
  EXPECT_EQ(lock_minutes(), 15);
}

}  // namespace
}  // namespace gatehouse::services::testing
