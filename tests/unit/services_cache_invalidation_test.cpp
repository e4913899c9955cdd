// invalidating_database(): which store writes drop which cached answers. Checked here for the
// second factor (mfa_enabled and updated_at are in the cached user answers); the store itself
// is a real SQLite file.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "kv/response_cache.hpp"
#include "services/cache_invalidation.hpp"
#include "temp_sqlite.hpp"

namespace gatehouse::services {
namespace {

using namespace std::chrono_literals;

// Records the scopes each invalidate() names; never holds an entry.
class RecordingCache final : public kv::ResponseCache {
 public:
  Result<kv::CacheLookup> get(std::string_view, std::string_view) override {
    return kv::CacheLookup{};
  }
  Status put(std::string_view, std::string_view, std::uint64_t, const kv::CachedResponse&,
             std::chrono::milliseconds) override {
    return ok();
  }
  Status invalidate(std::initializer_list<std::string_view> scopes) override {
    std::vector<std::string> call;
    for (const auto s : scopes) call.emplace_back(s);
    calls.push_back(std::move(call));
    return ok();
  }
  void clear() override {}

  std::vector<std::vector<std::string>> calls;
};

using Calls = std::vector<std::vector<std::string>>;

class CacheInvalidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = gatehouse::testing::temp_db_path("gatehouse-invalidation-");
    db_ = invalidating_database(gatehouse::testing::open_temp_sqlite(settings_, path_), cache_);
    store::NewUser n;
    n.email = "mfa@example.com";
    n.password_hash = "$2b$12$abcdefghijklmnopqrstuuD2BB9Q4R5Xz4eW3l8oUQk2Bf5w6G7hi";
    n.first_name = "First";
    n.last_name = "Last";
    auto u = db_->users().create(n);
    ASSERT_TRUE(u);
    id_ = u->id;
    cache_.calls.clear();
  }

  void TearDown() override {
    db_.reset();
    gatehouse::testing::remove_temp_sqlite(path_);
  }

  // What one change of the user invalidates.
  Calls user_changed() const {
    return {{kv::cache_scope::user(id_), std::string(kv::cache_scope::kUsersList)}};
  }

  config::Settings settings_;
  std::string path_;
  RecordingCache cache_;
  store::DatabasePtr db_;
  std::int64_t id_ = 0;
};

TEST_F(CacheInvalidationTest, MfaWritesOfTheUserRowInvalidateTheUser) {
  auto& mfa = db_->mfa();
  ASSERT_TRUE(mfa.set_pending_secret(id_, "sealed"));
  EXPECT_EQ(cache_.calls, user_changed()) << "set_pending_secret";
  cache_.calls.clear();

  auto enabled = mfa.enable(id_, "sealed", {"h1", "h2"});
  ASSERT_TRUE(enabled && enabled->has_value());
  EXPECT_EQ(cache_.calls, user_changed()) << "enable";
  cache_.calls.clear();

  auto disabled = mfa.disable(id_);
  ASSERT_TRUE(disabled && disabled->has_value());
  EXPECT_EQ(cache_.calls, user_changed()) << "disable";
}

TEST_F(CacheInvalidationTest, MfaWritesThatChangeNothingCachedInvalidateNothing) {
  auto& mfa = db_->mfa();
  ASSERT_TRUE(mfa.set_pending_secret(id_, "sealed"));
  auto stale = mfa.enable(id_, "other", {"h1"});
  ASSERT_TRUE(stale && !stale->has_value());
  ASSERT_TRUE(mfa.enable(id_, "sealed", {"h1"}));
  cache_.calls.clear();

  auto refused = mfa.set_pending_secret(id_, "again");
  ASSERT_TRUE(refused && !*refused);
  auto unknown = mfa.disable(id_ + 1000);
  ASSERT_TRUE(unknown && !unknown->has_value());
  auto codes = mfa.unused_recovery_codes(id_);
  ASSERT_TRUE(codes && codes->size() == 1);
  ASSERT_TRUE(mfa.use_recovery_code(id_, codes->front().id, store::now_utc()));
  const auto exp = store::now_utc() + 5min;
  ASSERT_TRUE(mfa.record_challenge_failure("jti", id_, exp, 5));
  ASSERT_TRUE(mfa.challenge_spent("jti"));
  ASSERT_TRUE(mfa.purge_expired_challenges(exp + 1s));
  EXPECT_EQ(cache_.calls, Calls{});
}

// A sign-in recorded with its session changes last_login_at; other session writes change no
// cached answer.
TEST_F(CacheInvalidationTest, OnlyASessionThatRecordsASignInInvalidatesTheUser) {
  auto& sessions = db_->sessions();
  store::NewSession ns;
  ns.user_id = id_;
  ns.refresh_jti = "jti-plain";
  ns.expires_at = store::now_utc() + 1h;
  auto plain = sessions.create(ns);
  ASSERT_TRUE(plain);
  EXPECT_EQ(cache_.calls, Calls{}) << "a session without sign-in bookkeeping";

  ns.refresh_jti = "jti-sign-in";
  ns.record_sign_in_at = store::now_utc();
  ASSERT_TRUE(sessions.create(ns));
  EXPECT_EQ(cache_.calls, user_changed()) << "a sign-in";
  cache_.calls.clear();

  ns.user_id = id_ + 1000;  // refused: nothing changed
  ASSERT_FALSE(sessions.create(ns));
  const auto now = store::now_utc();
  ASSERT_TRUE(sessions.rotate(plain->id, "jti-plain", "jti-next", now));
  ASSERT_TRUE(sessions.touch(plain->id, now));
  ASSERT_TRUE(sessions.revoke(plain->id, "logout", now));
  ASSERT_TRUE(sessions.revoke_all(id_, "", "logout_all", now));
  EXPECT_EQ(cache_.calls, Calls{});
}

// Inside in_transaction a write invalidates at once and again once the transaction is over:
// a reader that cached the old row between the write and the commit does not keep it.
TEST_F(CacheInvalidationTest, WritesInsideATransactionAreInvalidatedOnceAfterIt) {
  const Status s = db_->in_transaction([&]() -> Status {
    auto other = db_->users().create(store::NewUser{
        .email = "other@example.com", .password_hash = "x", .first_name = "O", .last_name = "T"});
    if (!other) return other.error();
    auto pending = db_->mfa().set_pending_secret(id_, "sealed");
    if (!pending) return pending.error();
    // Joins: its invalidation is repeated with the outer transaction's, not at its own end.
    Status nested = db_->in_transaction([&]() -> Status {
      auto again = db_->mfa().set_pending_secret(id_, "sealed-2");
      if (!again) return again.error();
      return ok();
    });
    if (!nested) return nested;
    EXPECT_TRUE(cache_.calls.empty()) << "no cache call while the transaction is open";
    store::AuditEvent e;
    e.action = "user.updated";
    auto appended = db_->audit().append(e);
    if (!appended) return appended.error();
    return ok();
  });
  ASSERT_TRUE(s);
  const std::string list(kv::cache_scope::kUsersList);
  const std::string user = kv::cache_scope::user(id_);
  EXPECT_EQ(cache_.calls, (Calls{{list, user}})) << "every scope once, after the commit";
}

TEST_F(CacheInvalidationTest, ARolledBackOrThrowingTransactionIsInvalidatedAfterItToo) {
  const Status s = db_->in_transaction([&]() -> Status {
    auto pending = db_->mfa().set_pending_secret(id_, "sealed");
    if (!pending) return pending.error();
    return Error::conflict("roll back");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(cache_.calls, user_changed());
  cache_.calls.clear();

  EXPECT_THROW((void)db_->in_transaction([&]() -> Status {
    (void)db_->mfa().set_pending_secret(id_, "sealed");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(cache_.calls, user_changed());
  cache_.calls.clear();

  // Outside a transaction again: once.
  ASSERT_TRUE(db_->mfa().set_pending_secret(id_, "sealed"));
  EXPECT_EQ(cache_.calls, user_changed());
}

}  // namespace
}  // namespace gatehouse::services
