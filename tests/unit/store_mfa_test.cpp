// MfaRepository on both backends (store_fixture.hpp says when and how each runs): pending
// secrets, enabling with recovery codes, disabling, single-use recovery codes and mfa_token
// challenges, including races that only the database can decide.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store_fixture.hpp"

namespace gatehouse::store {
namespace {

using namespace std::chrono_literals;

constexpr int kMaxFailures = 5;

class StoreMfaTest : public StoreBackendTest {
 protected:
  MfaRepository& mfa() { return db_->mfa(); }

  User reload(std::int64_t id) {
    auto u = db_->users().find_by_id(id);
    EXPECT_TRUE(u && u->has_value()) << describe(u);
    return u && *u ? **u : User{};
  }

  // A user with TOTP on under `secret` and the given recovery codes.
  User enabled_user(const std::string& email, const std::string& secret,
                    const std::vector<std::string>& codes) {
    const User u = create_user(email);
    auto pending = mfa().set_pending_secret(u.id, secret);
    EXPECT_TRUE(pending && *pending) << describe(pending);
    auto enabled = mfa().enable(u.id, secret, codes);
    EXPECT_TRUE(enabled && enabled->has_value()) << describe(enabled);
    return enabled && *enabled ? **enabled : User{};
  }

  std::vector<RecoveryCode> codes(std::int64_t user_id) {
    auto codes = mfa().unused_recovery_codes(user_id);
    EXPECT_TRUE(codes) << describe(codes);
    return codes ? *codes : std::vector<RecoveryCode>{};
  }

  std::vector<std::string> code_hashes(std::int64_t user_id) {
    std::vector<std::string> out;
    for (const auto& c : codes(user_id)) out.push_back(c.code_hash);
    return out;
  }

  std::vector<std::int64_t> code_ids(std::int64_t user_id) {
    std::vector<std::int64_t> out;
    for (const auto& c : codes(user_id)) out.push_back(c.id);
    return out;
  }

  // A write behind the repository's back (a state its methods never produce).
  void exec_raw(const std::string& sql) {
    if (GetParam() == Backend::kPostgres) {
      const std::string r = admin_query(PgScratchDatabase::url(), sql);
      EXPECT_EQ(r.rfind("error:", 0), std::string::npos) << r;
      return;
    }
    sqlite3* conn = nullptr;
    ASSERT_EQ(sqlite3_open_v2(sqlite_path_.c_str(), &conn, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(conn, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(conn);
  }
};

using Hashes = std::vector<std::string>;

// --- the TOTP columns of users ------------------------------------------------------------

TEST_P(StoreMfaTest, PendingSecretIsReplacedUntilEnabled) {
  const User u = create_user("pending@example.com");
  auto first = mfa().set_pending_secret(u.id, "sealed-1");
  ASSERT_TRUE(first) << describe(first);
  EXPECT_TRUE(*first);
  User now = reload(u.id);
  EXPECT_EQ(now.mfa_secret, std::optional<std::string>("sealed-1"));
  EXPECT_FALSE(now.mfa_enabled);
  EXPECT_GE(now.updated_at, u.updated_at);

  auto second = mfa().set_pending_secret(u.id, "sealed-2");
  ASSERT_TRUE(second && *second) << describe(second);
  EXPECT_EQ(reload(u.id).mfa_secret, std::optional<std::string>("sealed-2"));

  auto unknown = mfa().set_pending_secret(u.id + 1000, "sealed-x");
  ASSERT_TRUE(unknown) << describe(unknown);
  EXPECT_FALSE(*unknown);

  auto enabled = mfa().enable(u.id, "sealed-2", {"h1"});
  ASSERT_TRUE(enabled && enabled->has_value()) << describe(enabled);
  auto refused = mfa().set_pending_secret(u.id, "sealed-3");
  ASSERT_TRUE(refused) << describe(refused);
  EXPECT_FALSE(*refused) << "a new enrolment while TOTP is on";
  now = reload(u.id);
  EXPECT_EQ(now.mfa_secret, std::optional<std::string>("sealed-2"));
  EXPECT_TRUE(now.mfa_enabled);
}

TEST_P(StoreMfaTest, EnableTurnsTotpOnAndStoresTheCodes) {
  const User u = create_user("enable@example.com");
  ASSERT_TRUE(mfa().set_pending_secret(u.id, "sealed"));
  const Timestamp before = now_utc();
  auto enabled = mfa().enable(u.id, "sealed", {"hash-a", "hash-b", "hash-c"});
  ASSERT_TRUE(enabled) << describe(enabled);
  ASSERT_TRUE(enabled->has_value());
  const User& on = **enabled;
  EXPECT_EQ(on.id, u.id);
  EXPECT_TRUE(on.mfa_enabled);
  EXPECT_EQ(on.mfa_secret, std::optional<std::string>("sealed"));
  EXPECT_GE(on.updated_at, before);
  EXPECT_EQ(on.email, u.email) << "the row comes back whole";
  EXPECT_EQ(reload(u.id).mfa_enabled, true);
  EXPECT_EQ(code_hashes(u.id), (Hashes{"hash-a", "hash-b", "hash-c"}));
  const auto ids = code_ids(u.id);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);

  auto again = mfa().enable(u.id, "sealed", {"hash-z"});
  ASSERT_TRUE(again) << describe(again);
  EXPECT_FALSE(again->has_value()) << "already on";
  EXPECT_EQ(code_hashes(u.id), (Hashes{"hash-a", "hash-b", "hash-c"})) << "nothing written";
}

TEST_P(StoreMfaTest, EnableWithAStaleSecretWritesNothing) {
  const User u = create_user("stale@example.com");
  ASSERT_TRUE(mfa().set_pending_secret(u.id, "sealed-old"));
  ASSERT_TRUE(mfa().set_pending_secret(u.id, "sealed-new"));  // a second enrolment began
  const User before = reload(u.id);

  auto stale = mfa().enable(u.id, "sealed-old", {"hash-a"});
  ASSERT_TRUE(stale) << describe(stale);
  EXPECT_FALSE(stale->has_value());
  const User after = reload(u.id);
  EXPECT_FALSE(after.mfa_enabled);
  EXPECT_EQ(after.mfa_secret, std::optional<std::string>("sealed-new"));
  EXPECT_EQ(after.updated_at, before.updated_at);
  EXPECT_TRUE(code_hashes(u.id).empty());

  auto no_secret = mfa().enable(create_user("none@example.com").id, "sealed-old", {"hash-a"});
  ASSERT_TRUE(no_secret) << describe(no_secret);
  EXPECT_FALSE(no_secret->has_value()) << "no pending enrolment at all";
  auto unknown = mfa().enable(u.id + 1000, "sealed-new", {"hash-a"});
  ASSERT_TRUE(unknown) << describe(unknown);
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(StoreMfaTest, EnableReplacesEarlierRecoveryCodes) {
  const User u = enabled_user("replace@example.com", "sealed-1", {"old-1", "old-2"});
  // TOTP off with the codes left behind: a state only a hand edit produces.
  exec_raw("UPDATE users SET mfa_enabled = false WHERE id = " + std::to_string(u.id));
  ASSERT_EQ(code_hashes(u.id), (Hashes{"old-1", "old-2"}));
  ASSERT_TRUE(mfa().set_pending_secret(u.id, "sealed-2"));
  auto enabled = mfa().enable(u.id, "sealed-2", {"new-1", "new-2", "new-3"});
  ASSERT_TRUE(enabled && enabled->has_value()) << describe(enabled);
  EXPECT_EQ(code_hashes(u.id), (Hashes{"new-1", "new-2", "new-3"}));
}

TEST_P(StoreMfaTest, DisableReportsWhetherTotpWasOnAndRemovesTheCodes) {
  const User on = enabled_user("on@example.com", "sealed", {"a", "b"});
  const User other = enabled_user("other@example.com", "sealed-o", {"o"});
  auto disabled = mfa().disable(on.id);
  ASSERT_TRUE(disabled) << describe(disabled);
  ASSERT_TRUE(disabled->has_value());
  EXPECT_TRUE((*disabled)->was_enabled);
  EXPECT_EQ((*disabled)->user.id, on.id);
  EXPECT_FALSE((*disabled)->user.mfa_enabled);
  EXPECT_FALSE((*disabled)->user.mfa_secret.has_value());
  EXPECT_GE((*disabled)->user.updated_at, on.updated_at);
  EXPECT_TRUE(code_hashes(on.id).empty());
  EXPECT_EQ(code_hashes(other.id), Hashes{"o"}) << "only the user's own codes go";
  const User stored = reload(on.id);
  EXPECT_FALSE(stored.mfa_enabled);
  EXPECT_FALSE(stored.mfa_secret.has_value());

  auto twice = mfa().disable(on.id);
  ASSERT_TRUE(twice && twice->has_value()) << describe(twice);
  EXPECT_FALSE((*twice)->was_enabled);

  const User pending = create_user("pending@example.com");
  ASSERT_TRUE(mfa().set_pending_secret(pending.id, "sealed-p"));
  auto cancelled = mfa().disable(pending.id);
  ASSERT_TRUE(cancelled && cancelled->has_value()) << describe(cancelled);
  EXPECT_FALSE((*cancelled)->was_enabled) << "a pending enrolment alone does not count";
  EXPECT_FALSE((*cancelled)->user.mfa_secret.has_value()) << "the pending secret is dropped";

  auto unknown = mfa().disable(on.id + 1000);
  ASSERT_TRUE(unknown) << describe(unknown);
  EXPECT_FALSE(unknown->has_value());
}

// --- recovery codes -----------------------------------------------------------------------

TEST_P(StoreMfaTest, RecoveryCodeIsUsedOnceAndCountsWhatIsLeft) {
  const User u = enabled_user("codes@example.com", "sealed", {"a", "b", "c"});
  const User other = enabled_user("codes2@example.com", "sealed-2", {"x"});
  const auto ids = code_ids(u.id);
  ASSERT_EQ(ids.size(), 3u);
  const std::int64_t others_code = code_ids(other.id).at(0);
  const Timestamp t = at("2026-04-01T08:00:00.000001Z");

  auto first = mfa().use_recovery_code(u.id, ids[1], t);
  ASSERT_TRUE(first) << describe(first);
  EXPECT_EQ(*first, std::optional<int>(2));
  auto reused = mfa().use_recovery_code(u.id, ids[1], t);
  ASSERT_TRUE(reused) << describe(reused);
  EXPECT_FALSE(reused->has_value());
  EXPECT_EQ(code_hashes(u.id), (Hashes{"a", "c"}));

  auto not_mine = mfa().use_recovery_code(u.id, others_code, t);
  ASSERT_TRUE(not_mine) << describe(not_mine);
  EXPECT_FALSE(not_mine->has_value()) << "another user's code id";
  auto wrong_user = mfa().use_recovery_code(other.id, ids[0], t);
  ASSERT_TRUE(wrong_user) << describe(wrong_user);
  EXPECT_FALSE(wrong_user->has_value());
  EXPECT_EQ(code_hashes(other.id), Hashes{"x"}) << "the other user's code is untouched";
  auto unknown = mfa().use_recovery_code(u.id, ids[2] + 1000, t);
  ASSERT_TRUE(unknown) << describe(unknown);
  EXPECT_FALSE(unknown->has_value());

  auto second = mfa().use_recovery_code(u.id, ids[0], t);
  ASSERT_TRUE(second) << describe(second);
  EXPECT_EQ(*second, std::optional<int>(1));
  auto last = mfa().use_recovery_code(u.id, ids[2], t);
  ASSERT_TRUE(last) << describe(last);
  EXPECT_EQ(*last, std::optional<int>(0));
  EXPECT_TRUE(code_hashes(u.id).empty());
}

// --- mfa_token challenges -----------------------------------------------------------------

TEST_P(StoreMfaTest, ChallengeIsSpentByItsLastAllowedFailure) {
  const User u = create_user("challenge@example.com");
  const Timestamp exp = now_utc() + 5min;
  for (int i = 1; i < kMaxFailures; ++i) {
    auto f = mfa().record_challenge_failure("jti-1", u.id, exp, kMaxFailures);
    ASSERT_TRUE(f) << describe(f);
    EXPECT_EQ(*f, std::optional<int>(i));
  }
  auto fifth = mfa().record_challenge_failure("jti-1", u.id, exp, kMaxFailures);
  ASSERT_TRUE(fifth) << describe(fifth);
  EXPECT_EQ(*fifth, std::optional<int>(kMaxFailures)) << "the last allowed failure is counted";
  auto sixth = mfa().record_challenge_failure("jti-1", u.id, exp, kMaxFailures);
  ASSERT_TRUE(sixth) << describe(sixth);
  EXPECT_FALSE(sixth->has_value()) << "spent: nothing recorded";
  auto spent = mfa().challenge_spent("jti-1");
  ASSERT_TRUE(spent) << describe(spent);
  EXPECT_TRUE(*spent) << "a token spent by failures cannot succeed";

  auto one_try = mfa().record_challenge_failure("jti-2", u.id, exp, 1);
  ASSERT_TRUE(one_try) << describe(one_try);
  EXPECT_EQ(*one_try, std::optional<int>(1));
  auto after = mfa().challenge_spent("jti-2");
  ASSERT_TRUE(after) << describe(after);
  EXPECT_TRUE(*after) << "max 1: the first failure spends it";

  auto fresh = mfa().challenge_spent("jti-3");
  ASSERT_TRUE(fresh) << describe(fresh);
  EXPECT_FALSE(*fresh) << "other tokens are independent";
}

TEST_P(StoreMfaTest, ChallengeIsNotSpentBeforeItsLastFailure) {
  const User u = create_user("spend@example.com");
  const Timestamp exp = now_utc() + 5min;
  auto unknown = mfa().challenge_spent("jti-never-seen");
  ASSERT_TRUE(unknown) << describe(unknown);
  EXPECT_FALSE(*unknown) << "a token without failures";
  ASSERT_TRUE(mfa().record_challenge_failure("jti-f", u.id, exp, kMaxFailures));
  ASSERT_TRUE(mfa().record_challenge_failure("jti-f", u.id, exp, kMaxFailures));
  auto some = mfa().challenge_spent("jti-f");
  ASSERT_TRUE(some) << describe(some);
  EXPECT_FALSE(*some) << "two failures of five";
}

TEST_P(StoreMfaTest, ChallengeOfAnUnknownUserIsUserNotFound) {
  const User u = create_user("known@example.com");
  const Timestamp exp = now_utc() + 5min;
  auto failure = mfa().record_challenge_failure("jti-u1", u.id + 1000, exp, kMaxFailures);
  ASSERT_FALSE(failure);
  EXPECT_EQ(failure.error().code, ErrorCode::kUserNotFound) << describe(failure);
}

TEST_P(StoreMfaTest, PurgeDeletesOnlyExpiredChallenges) {
  const User u = create_user("purge@example.com");
  const Timestamp now = now_utc();
  ASSERT_TRUE(mfa().record_challenge_failure("old-spent", u.id, now - 1h, 1));
  ASSERT_TRUE(mfa().record_challenge_failure("old-failed", u.id, now - 1s, kMaxFailures));
  ASSERT_TRUE(mfa().record_challenge_failure("live-spent", u.id, now + 1h, 1));
  ASSERT_TRUE(mfa().record_challenge_failure("live-failed", u.id, now + 1h, kMaxFailures));

  auto purged = mfa().purge_expired_challenges(now);
  ASSERT_TRUE(purged) << describe(purged);
  EXPECT_EQ(*purged, 2);
  auto again = mfa().purge_expired_challenges(now);
  ASSERT_TRUE(again) << describe(again);
  EXPECT_EQ(*again, 0);

  auto live_spent = mfa().challenge_spent("live-spent");
  ASSERT_TRUE(live_spent) << describe(live_spent);
  EXPECT_TRUE(*live_spent) << "unexpired rows survive the purge";
  auto old_spent = mfa().challenge_spent("old-spent");
  ASSERT_TRUE(old_spent) << describe(old_spent);
  EXPECT_FALSE(*old_spent) << "an expired row is gone (its token is refused as expired)";
  auto live_failed = mfa().record_challenge_failure("live-failed", u.id, now + 1h, kMaxFailures);
  ASSERT_TRUE(live_failed) << describe(live_failed);
  EXPECT_EQ(*live_failed, std::optional<int>(2));
  auto gone = mfa().record_challenge_failure("old-failed", u.id, now + 1h, kMaxFailures);
  ASSERT_TRUE(gone) << describe(gone);
  EXPECT_EQ(*gone, std::optional<int>(1)) << "a purged row starts over";
}

TEST_P(StoreMfaTest, DeletingAUserCascadesToCodesAndChallenges) {
  const User gone = enabled_user("gone@example.com", "sealed", {"a", "b"});
  const User kept = enabled_user("kept@example.com", "sealed-k", {"k"});
  const Timestamp exp = now_utc() + 1h;
  ASSERT_TRUE(mfa().record_challenge_failure("gone-1", gone.id, exp, 1));
  ASSERT_TRUE(mfa().record_challenge_failure("gone-2", gone.id, exp, kMaxFailures));
  ASSERT_TRUE(mfa().record_challenge_failure("kept-1", kept.id, exp, 1));

  auto removed = db_->users().remove(gone.id);
  ASSERT_TRUE(removed && *removed) << describe(removed);
  EXPECT_TRUE(code_hashes(gone.id).empty());
  EXPECT_EQ(code_hashes(kept.id), Hashes{"k"});
  auto purged = mfa().purge_expired_challenges(exp + 1h);
  ASSERT_TRUE(purged) << describe(purged);
  EXPECT_EQ(*purged, 1) << "only the kept user's challenge was left";
}

// --- races --------------------------------------------------------------------------------

constexpr int kThreads = 8;

// Runs `fn(thread index)` on kThreads threads released together.
template <class F>
void race(F&& fn) {
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      fn(t);
    });
  }
  for (auto& th : threads) th.join();
}

// How many of kThreads racing `attempt(thread index) -> Result<bool or optional>` won (true,
// or a value); every attempt must answer without an error.
template <class Attempt>
int wins_of(Attempt&& attempt) {
  std::atomic<int> wins{0};
  std::vector<std::string> errors(kThreads);
  race([&](int t) {
    auto r = attempt(t);
    if (!r) {
      errors[t] = describe(r);
    } else if (*r) {
      ++wins;
    }
  });
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  return wins.load();
}

TEST_P(StoreMfaTest, ConcurrentFailuresAreEachCountedUpToTheLimit) {
  const User u = create_user("race-fail@example.com");
  const Timestamp exp = now_utc() + 5min;
  std::vector<std::optional<int>> counts(kThreads);
  std::vector<std::string> errors(kThreads);
  race([&](int t) {
    auto r = mfa().record_challenge_failure("race-fail-jti", u.id, exp, kMaxFailures);
    if (!r) {
      errors[t] = describe(r);
    } else {
      counts[t] = *r;
    }
  });
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  std::multiset<int> seen;
  int spent = 0;
  for (const auto& c : counts) {
    if (c) {
      seen.insert(*c);
    } else {
      ++spent;
    }
  }
  EXPECT_EQ(seen, (std::multiset<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(spent, kThreads - kMaxFailures);
}

TEST_P(StoreMfaTest, ConcurrentUsesOfOneRecoveryCodeSucceedOnce) {
  const User u = enabled_user("race-code@example.com", "sealed", {"a", "b", "c"});
  const std::int64_t code = code_ids(u.id).at(1);
  const Timestamp t = now_utc();
  std::atomic<int> left{-1};
  EXPECT_EQ(wins_of([&](int) {
              auto r = mfa().use_recovery_code(u.id, code, t);
              if (r && *r) left = **r;
              return r;
            }),
            1);
  EXPECT_EQ(left.load(), 2);
  EXPECT_EQ(code_hashes(u.id), (Hashes{"a", "c"}));
}

TEST_P(StoreMfaTest, ConcurrentConfirmationsEnableOnce) {
  const User u = create_user("race-enable@example.com");
  ASSERT_TRUE(mfa().set_pending_secret(u.id, "sealed"));
  EXPECT_EQ(
      wins_of([&](int t) { return mfa().enable(u.id, "sealed", {"code-" + std::to_string(t)}); }),
      1);
  EXPECT_EQ(code_hashes(u.id).size(), 1u) << "the winner's codes alone";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMfaTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);

TEST_P(StoreMfaTest, EnableRecordsWhenAndDisableClearsIt) {
  const User u = enabled_user("when@example.com", "sealed-when", {"h1"});
  ASSERT_TRUE(u.mfa_enabled_at.has_value());
  auto off = mfa().disable(u.id);
  ASSERT_TRUE(off && off->has_value()) << describe(off);
  EXPECT_FALSE((*off)->user.mfa_enabled_at.has_value());
  EXPECT_FALSE(reload(u.id).mfa_enabled_at.has_value());
}

// A session decided on the user's TOTP state is created only while that state holds, in the
// insert itself (NewSession::require_mfa_enabled).
TEST_P(StoreMfaTest, SessionInsertRequiresTheTotpStateItWasDecidedOn) {
  const User plain = create_user("plain-session@example.com");
  const User with_totp = enabled_user("totp-session@example.com", "sealed-s", {"h1"});
  const auto later = now_utc() + 1h;
  auto session = [&](const User& u, std::optional<bool> require) {
    NewSession ns;
    ns.user_id = u.id;
    ns.refresh_jti = "jti-" + std::to_string(u.id) + (require ? (*require ? "-on" : "-off") : "");
    ns.expires_at = later;
    ns.require_mfa_enabled = require;
    return db_->sessions().create(ns);
  };
  EXPECT_TRUE(session(plain, false)) << "no TOTP, as decided";
  EXPECT_TRUE(session(with_totp, true)) << "TOTP on, as decided";
  EXPECT_TRUE(session(plain, std::nullopt)) << "no condition";
  auto refused = session(plain, true);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorCode::kMfaState)) << describe(refused);
  auto refused_on = session(with_totp, false);
  ASSERT_FALSE(refused_on);
  EXPECT_TRUE(refused_on.error().is(ErrorCode::kMfaState)) << describe(refused_on);
  auto live = db_->sessions().list_active(plain.id, now_utc());
  ASSERT_TRUE(live);
  EXPECT_EQ(live->size(), 2u);
}

// NewSession::record_sign_in_at: the user's sign-in bookkeeping and the session in one
// transaction, both or neither.
TEST_P(StoreMfaTest, SessionRecordsTheSignInInTheSameTransaction) {
  const User u = enabled_user("sign-in@example.com", "sealed-r", {"h1"});
  ASSERT_TRUE(mfa().count_second_factor_failure(u.id));
  ASSERT_TRUE(db_->users().record_failed_login(u.id, 10, now_utc() + 1h));
  ASSERT_EQ(reload(u.id).failed_logins, 1);
  // The service's clock, not the database's (whole seconds: both backends store them exactly).
  const Timestamp signed_in_at(std::chrono::floor<std::chrono::seconds>(now_utc() - 5min));
  NewSession ns;
  ns.user_id = u.id;
  ns.refresh_jti = "jti-sign-in";
  ns.expires_at = now_utc() + 1h;
  ns.require_mfa_enabled = true;
  ns.record_sign_in_at = signed_in_at;
  auto session = db_->sessions().create(ns);
  ASSERT_TRUE(session) << describe(session);
  EXPECT_EQ(session->user_id, u.id);
  const User after = reload(u.id);
  EXPECT_EQ(after.last_login_at, std::optional<Timestamp>(signed_in_at));
  EXPECT_EQ(after.failed_logins, 0);
  EXPECT_EQ(*mfa().count_second_factor_failure(u.id), std::optional<int>(1))
      << "the second-factor count started again";

  // TOTP state changed: no session and no bookkeeping.
  const User plain = create_user("sign-in-plain@example.com");
  ns.user_id = plain.id;
  ns.refresh_jti = "jti-refused";
  auto refused = db_->sessions().create(ns);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().is(ErrorCode::kMfaState)) << describe(refused);
  EXPECT_FALSE(reload(plain.id).last_login_at.has_value());
  EXPECT_TRUE(db_->sessions().list_active(plain.id, now_utc())->empty());

  // No such user.
  ns.user_id = plain.id + 100000;
  ns.require_mfa_enabled = std::nullopt;
  auto missing = db_->sessions().create(ns);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().is(ErrorCode::kUserNotFound)) << describe(missing);

  // Without a condition the sign-in is recorded for any user.
  ns.user_id = plain.id;
  ns.refresh_jti = "jti-plain";
  ASSERT_TRUE(db_->sessions().create(ns));
  EXPECT_EQ(reload(plain.id).last_login_at, std::optional<Timestamp>(signed_in_at));
}

TEST_P(StoreMfaTest, SecondFactorFailuresCountUntilASignInAndLocksOnlyLengthen) {
  const User u = enabled_user("failures@example.com", "sealed-f", {"h1"});
  EXPECT_EQ(*mfa().count_second_factor_failure(u.id), std::optional<int>(1));
  EXPECT_EQ(*mfa().count_second_factor_failure(u.id), std::optional<int>(2));
  EXPECT_EQ(*mfa().count_second_factor_failure(u.id + 100000), std::optional<int>());
  const auto now = now_utc();
  auto locked = mfa().extend_lock(u.id, now + 30min);
  ASSERT_TRUE(locked && locked->has_value()) << describe(locked);
  ASSERT_TRUE((*locked)->locked_until.has_value());
  auto shorter = mfa().extend_lock(u.id, now + 10min);
  ASSERT_TRUE(shorter) << describe(shorter);
  EXPECT_FALSE(shorter->has_value()) << "a shorter lock changes nothing";
  EXPECT_EQ(reload(u.id).locked_until, (*locked)->locked_until);
  // A completed sign-in starts the count again; so does turning TOTP off.
  ASSERT_TRUE(db_->users().record_successful_login(u.id, now));
  EXPECT_EQ(*mfa().count_second_factor_failure(u.id), std::optional<int>(1));
  ASSERT_TRUE(mfa().disable(u.id));
  EXPECT_EQ(*mfa().count_second_factor_failure(u.id), std::optional<int>(1));
}

}  // namespace
}  // namespace gatehouse::store
