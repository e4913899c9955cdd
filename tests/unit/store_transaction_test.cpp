// Database::in_transaction on both backends (store_fixture.hpp says when and how each runs):
// what fn writes is committed or rolled back as one, whichever repositories it uses; nested
// calls join; repository methods with a transaction of their own run as savepoints; other
// threads keep their own connections.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store_fixture.hpp"

namespace gatehouse::store {
namespace {

using namespace std::chrono_literals;

AuditEvent audit_event(const std::string& action, std::int64_t user_id) {
  AuditEvent e;
  e.action = action;
  e.actor_id = user_id;
  e.subject_user_id = user_id;
  return e;
}

class StoreTransactionTest : public StoreBackendTest {
 protected:
  bool user_exists(const std::string& email) { return user_exists_in(*db_, email); }

  // Seen through another Database (as another process would): committed, not just visible
  // to this thread's connection.
  bool user_committed(const std::string& email) { return user_exists_in(*open_database(), email); }

  static bool user_exists_in(Database& db, const std::string& email) {
    auto u = db.users().find_by_email(email);
    EXPECT_TRUE(u) << describe(u);
    return u && u->has_value();
  }

  std::int64_t audit_count() {
    auto n = db_->audit().count({});
    EXPECT_TRUE(n) << describe(n);
    return n ? *n : -1;
  }

  // Creates `email` and an audit event about it; the first error.
  Status create_with_event(const std::string& email) {
    auto u = db_->users().create(new_user(email));
    if (!u) return u.error();
    auto id = db_->audit().append(audit_event("user.created", u->id));
    if (!id) return id.error();
    return ok();
  }
};

TEST_P(StoreTransactionTest, CommitKeepsEveryWrite) {
  const Status s = db_->in_transaction([&] { return create_with_event("a@example.com"); });
  ASSERT_TRUE(s) << describe(s);
  EXPECT_TRUE(user_exists("a@example.com"));
  EXPECT_EQ(audit_count(), 1);
  EXPECT_TRUE(user_committed("a@example.com"));
}

TEST_P(StoreTransactionTest, AnErrorRollsBackEveryWriteAndIsReturned) {
  const Status s = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("a@example.com"); !c) return c;
    return Error::conflict("changed my mind");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  EXPECT_EQ(s.error().public_message, "changed my mind");
  EXPECT_FALSE(user_exists("a@example.com"));
  EXPECT_EQ(audit_count(), 0);
}

TEST_P(StoreTransactionTest, AnExceptionRollsBackAndIsRethrown) {
  EXPECT_THROW((void)db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("a@example.com"); !c) return c;
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(user_exists("a@example.com"));
  EXPECT_EQ(audit_count(), 0);
  // The thread is no longer bound: this write commits on its own.
  ASSERT_TRUE(create_with_event("b@example.com"));
  EXPECT_TRUE(user_committed("b@example.com"));
}

TEST_P(StoreTransactionTest, ANestedCallJoinsTheOuterTransaction) {
  const Status s = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("outer@example.com"); !c) return c;
    Status inner = db_->in_transaction([&] { return create_with_event("inner@example.com"); });
    if (!inner) return inner;
    EXPECT_TRUE(user_exists("inner@example.com")) << "the outer transaction sees it";
    return Error::conflict("roll back both");
  });
  ASSERT_FALSE(s);
  EXPECT_FALSE(user_exists("outer@example.com"));
  EXPECT_FALSE(user_exists("inner@example.com")) << "the inner call did not commit on its own";
  EXPECT_EQ(audit_count(), 0);

  const Status both = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("outer@example.com"); !c) return c;
    return db_->in_transaction([&] { return create_with_event("inner@example.com"); });
  });
  ASSERT_TRUE(both) << describe(both);
  EXPECT_TRUE(user_exists("outer@example.com"));
  EXPECT_TRUE(user_exists("inner@example.com"));
  EXPECT_EQ(audit_count(), 2);
}

// remove_unless_last_admin and a sign-in's session have transactions of their own: inside
// in_transaction they are savepoints, rolled back with the outer transaction.
TEST_P(StoreTransactionTest, RepositoryTransactionsInsideRunAsSavepoints) {
  const User admin1 = create_user("admin1@example.com", kRoleAdmin);
  const User admin2 = create_user("admin2@example.com", kRoleAdmin);
  const User member = create_user("member@example.com");

  const Status rolled_back = db_->in_transaction([&]() -> Status {
    auto removed = db_->users().remove_unless_last_admin(admin2.id);
    if (!removed) return removed.error();
    EXPECT_TRUE(*removed);
    NewSession session{.user_id = member.id,
                       .refresh_jti = "jti-1",
                       .expires_at = now_utc() + 1h,
                       .record_sign_in_at = now_utc()};
    auto created = db_->sessions().create(session);
    if (!created) return created.error();
    auto id = db_->audit().append(audit_event("user.login", member.id));
    if (!id) return id.error();
    return Error::conflict("roll back");
  });
  ASSERT_FALSE(rolled_back);
  EXPECT_EQ(rolled_back.error().code, ErrorCode::kConflict) << describe(rolled_back);
  EXPECT_TRUE(user_exists("admin2@example.com"));
  auto sessions = db_->sessions().list_active(member.id, now_utc());
  ASSERT_TRUE(sessions) << describe(sessions);
  EXPECT_TRUE(sessions->empty());
  auto reloaded = db_->users().find_by_id(member.id);
  ASSERT_TRUE(reloaded && reloaded->has_value()) << describe(reloaded);
  EXPECT_FALSE((*reloaded)->last_login_at.has_value()) << "the sign-in bookkeeping too";
  EXPECT_EQ(audit_count(), 0);

  // A repository method refusing inside (its savepoint rolled back) leaves the transaction
  // usable: the rest of fn commits.
  const Status committed = db_->in_transaction([&]() -> Status {
    auto removed = db_->users().remove_unless_last_admin(admin2.id);
    if (!removed) return removed.error();
    auto refused = db_->users().remove_unless_last_admin(admin1.id);
    EXPECT_FALSE(refused);
    if (!refused) {
      EXPECT_EQ(refused.error().code, ErrorCode::kLastAdmin);
    }
    return create_with_event("after@example.com");
  });
  ASSERT_TRUE(committed) << describe(committed);
  EXPECT_FALSE(user_exists("admin2@example.com"));
  EXPECT_TRUE(user_exists("admin1@example.com"));
  EXPECT_TRUE(user_exists("after@example.com"));
  EXPECT_EQ(audit_count(), 1);
}

// The binding is per thread: another thread inside fn's time uses a connection of its own,
// does not see the uncommitted rows, and its write is its own.
TEST_P(StoreTransactionTest, OtherThreadsAreNotPartOfTheTransaction) {
  std::promise<bool> saw_uncommitted;
  std::thread other;
  Status other_write = ok();
  const Status s = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("mine@example.com"); !c) return c;
    other = std::thread([&] {
      auto found = db_->users().find_by_email("mine@example.com");
      saw_uncommitted.set_value(!found || found->has_value());
      // On SQLite this waits for the write lock, which the transaction holds until it ends.
      auto created = db_->users().create(new_user("theirs@example.com"));
      if (!created) other_write = created.error();
    });
    EXPECT_FALSE(saw_uncommitted.get_future().get());
    return Error::conflict("roll back mine");
  });
  other.join();
  ASSERT_FALSE(s);
  ASSERT_TRUE(other_write) << describe(other_write);
  EXPECT_FALSE(user_exists("mine@example.com"));
  EXPECT_TRUE(user_exists("theirs@example.com"));
  EXPECT_EQ(audit_count(), 0);
}

TEST_P(StoreTransactionTest, TransactionsOnSeveralThreadsEachCommit) {
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::vector<std::string> errors(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string email =
            "t" + std::to_string(t) + "-" + std::to_string(i) + "@example.com";
        const Status s = db_->in_transaction([&] { return create_with_event(email); });
        if (!s) errors[t] = describe(s);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  auto users = db_->users().count();
  ASSERT_TRUE(users) << describe(users);
  EXPECT_EQ(*users, kThreads * kEach);
  EXPECT_EQ(audit_count(), kThreads * kEach);
}

// With one connection in the pool, every call inside fn must borrow the bound one.
TEST_P(StoreTransactionTest, APoolOfOneConnectionIsEnough) {
  settings_.pool_size = 1;
  db_ = open_database();
  const Status s = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("a@example.com"); !c) return c;
    auto listed = db_->audit().list({}, 0, 10);
    if (!listed) return listed.error();
    EXPECT_EQ(listed->size(), 1u);
    return db_->in_transaction([&] { return create_with_event("b@example.com"); });
  });
  ASSERT_TRUE(s) << describe(s);
  EXPECT_TRUE(user_exists("a@example.com"));
  EXPECT_TRUE(user_exists("b@example.com"));
}

// A statement that fails inside: SQLite undoes that statement only; PostgreSQL aborts the
// whole transaction, so a fn that ignores the error gets an error from the commit and
// nothing is stored — never a partial commit reported as success.
TEST_P(StoreTransactionTest, AFailedStatementWhoseErrorIsIgnored) {
  const Status s = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("a@example.com"); !c) return c;
    AuditEvent bad = audit_event("user.created", 1);
    bad.outcome = "maybe";
    auto refused = db_->audit().append(bad);
    EXPECT_FALSE(refused);
    return ok();
  });
  if (GetParam() == Backend::kSqlite) {
    ASSERT_TRUE(s) << describe(s);
    EXPECT_TRUE(user_exists("a@example.com"));
    EXPECT_EQ(audit_count(), 1);
  } else {
    ASSERT_FALSE(s);
    EXPECT_FALSE(user_exists("a@example.com"));
    EXPECT_EQ(audit_count(), 0);
  }
}

// A connection that dies inside a transaction is an error, not a silent retry of the
// statement on a new connection (outside the transaction).
TEST_P(StoreTransactionTest, PostgresABrokenConnectionInsideIsAnError) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  const Status s = db_->in_transaction([&]() -> Status {
    if (auto c = create_with_event("a@example.com"); !c) return c;
    const std::string killed = admin_query(
        PgScratchDatabase::url(),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
        "current_database() AND application_name = 'gatehouse' AND pid <> pg_backend_pid()");
    EXPECT_NE(killed, "0") << killed;
    // An idempotent read: outside a transaction it would be retried on a new connection.
    auto found = db_->users().find_by_email("a@example.com");
    EXPECT_FALSE(found) << "answered by another connection";
    if (!found) {
      EXPECT_EQ(found.error().code, ErrorCode::kUnavailable) << describe(found);
      return found.error();
    }
    return ok();
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << describe(s);
  // The pool heals and nothing of the transaction was stored.
  EXPECT_FALSE(user_exists("a@example.com"));
  EXPECT_EQ(audit_count(), 0);
  const Status again = db_->in_transaction([&] { return create_with_event("b@example.com"); });
  ASSERT_TRUE(again) << describe(again);
  EXPECT_TRUE(user_exists("b@example.com"));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTransactionTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);

}  // namespace
}  // namespace gatehouse::store
