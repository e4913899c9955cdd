// AuditRepository and the webhook deliveries of OutboxRepository on both backends
// (store_fixture.hpp says when and how each runs): filters, paging and retention of the audit
// log, the plan of the user_id filter, and the head-of-line claim of webhook deliveries.
#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/audit_sql.hpp"
#include "store/database.hpp"
#include "store_fixture.hpp"

namespace gatehouse::store {
namespace {

using namespace std::chrono_literals;

using Ids = std::vector<std::int64_t>;

AuditEvent event(const std::string& action, std::optional<std::int64_t> actor,
                 std::optional<std::int64_t> subject, Timestamp when = Timestamp{}) {
  AuditEvent e;
  e.at = when;
  e.action = action;
  e.actor_id = actor;
  e.subject_user_id = subject;
  return e;
}

Ids ids_of(const std::vector<AuditEvent>& events) {
  Ids out;
  for (const auto& e : events) out.push_back(e.id);
  return out;
}

class StoreAuditTest : public StoreBackendTest {
 protected:
  AuditRepository& audit() { return db_->audit(); }
  OutboxRepository& outbox() { return db_->outbox(); }

  std::int64_t append(const AuditEvent& e) {
    auto id = audit().append(e);
    EXPECT_TRUE(id) << describe(id);
    return id ? *id : 0;
  }

  Ids list(const AuditQuery& q, std::int64_t offset = 0, std::int64_t limit = 100) {
    auto rows = audit().list(q, offset, limit);
    EXPECT_TRUE(rows) << describe(rows);
    return rows ? ids_of(*rows) : Ids{};
  }

  std::int64_t count(const AuditQuery& q) {
    auto n = audit().count(q);
    EXPECT_TRUE(n) << describe(n);
    return n ? *n : -1;
  }

  // The query plan of `sql` with `params` bound, one line per plan node.
  std::string plan(const AssembledSql& query) {
    return GetParam() == Backend::kSqlite ? sqlite_plan(query) : postgres_plan(query);
  }

  std::int64_t enqueue_webhook(const std::string& endpoint, const std::string& payload) {
    auto id = outbox().enqueue_webhook(endpoint, payload, now_utc());
    EXPECT_TRUE(id) << describe(id);
    return id ? *id : 0;
  }

  // The id claim_webhook() returns for `endpoint`, 0 for none.
  std::int64_t claim(const std::string& endpoint, Timestamp now = now_utc()) {
    auto m = outbox().claim_webhook(endpoint, now, 30s);
    EXPECT_TRUE(m) << describe(m);
    return m && *m ? (*m)->id : 0;
  }

  std::vector<OutboxMessage> webhooks(bool failed_only) {
    auto rows = outbox().list_webhooks(failed_only, 100);
    EXPECT_TRUE(rows) << describe(rows);
    return rows ? *rows : std::vector<OutboxMessage>{};
  }

 private:
  std::string sqlite_plan(const AssembledSql& query) {
    sqlite3* conn = nullptr;
    EXPECT_EQ(sqlite3_open_v2(sqlite_path_.c_str(), &conn, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(conn, "ANALYZE", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "EXPLAIN QUERY PLAN " + query.sql;
    EXPECT_EQ(sqlite3_prepare_v2(conn, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(conn);
    int index = 0;
    for (const SqlValue& v : query.params) {
      ++index;
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        sqlite3_bind_int64(stmt, index, *n);
      } else {
        const auto& text = std::get<std::string>(v);
        sqlite3_bind_text(stmt, index, text.c_str(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT);
      }
    }
    std::string out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      out += '\n';
    }
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    return out;
  }

  // PREPARE + EXPLAIN EXECUTE, as the store runs it (a prepared statement), after ANALYZE.
  static std::string postgres_plan(const AssembledSql& query) {
    PGconn* conn = PQconnectdb(PgScratchDatabase::url().c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    auto run = [conn](const std::string& sql) {
      PGresult* res = PQexec(conn, sql.c_str());
      const auto status = PQresultStatus(res);
      EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
          << sql << ": " << PQresultErrorMessage(res);
      std::string out;
      for (int r = 0; r < PQntuples(res); ++r) {
        out += PQgetvalue(res, r, 0);
        out += '\n';
      }
      PQclear(res);
      return out;
    };
    run("ANALYZE audit_events");
    run("PREPARE audit_plan AS " + query.sql);
    std::string args;
    for (const SqlValue& v : query.params) {
      if (!args.empty()) args += ", ";
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        args += std::to_string(*n);
      } else {
        args += "'" + std::get<std::string>(v) + "'";
      }
    }
    std::string out = run("EXPLAIN EXECUTE audit_plan(" + args + ")");
    PQfinish(conn);
    return out;
  }
};

// --- audit log ----------------------------------------------------------------------------

TEST_P(StoreAuditTest, AppendStoresEveryFieldAndListsNewestFirst) {
  AuditEvent full = event("api_key.created", 7, 9, at("2026-03-01T10:00:00.123456Z"));
  full.target_type = "api_key";
  full.target_id = "0b7c4a44-2c1e-4f5e-9d8a-1d2f3e4a5b6c";
  full.ip = "203.0.113.5";
  full.user_agent = "curl/8.5";
  full.outcome = "failure";
  full.details = R"({"name":"ci","scopes":["users:read"],"n":3})";
  full.request_id = "req-1";
  const std::int64_t first = append(full);
  const std::int64_t second = append(event("user.login", std::nullopt, std::nullopt));
  ASSERT_GT(second, first);

  auto rows = audit().list({}, 0, 10);
  ASSERT_TRUE(rows) << describe(rows);
  ASSERT_EQ(ids_of(*rows), (Ids{second, first}));
  const AuditEvent& got = (*rows)[1];
  EXPECT_EQ(got.at, full.at);
  EXPECT_EQ(got.actor_id, std::optional<std::int64_t>(7));
  EXPECT_EQ(got.action, "api_key.created");
  EXPECT_EQ(got.target_type, "api_key");
  EXPECT_EQ(got.target_id, full.target_id);
  EXPECT_EQ(got.subject_user_id, std::optional<std::int64_t>(9));
  EXPECT_EQ(got.ip, "203.0.113.5");
  EXPECT_EQ(got.user_agent, "curl/8.5");
  EXPECT_EQ(got.outcome, "failure");
  // PostgreSQL prints jsonb in its own form: compare the values.
  EXPECT_EQ(boost::json::parse(got.details), boost::json::parse(full.details)) << got.details;
  EXPECT_EQ(got.request_id, "req-1");

  const AuditEvent& bare = (*rows)[0];
  EXPECT_FALSE(bare.actor_id.has_value());
  EXPECT_FALSE(bare.subject_user_id.has_value());
  EXPECT_EQ(bare.target_type, "");
  EXPECT_EQ(bare.ip, "");
  EXPECT_EQ(bare.outcome, "success");
  EXPECT_EQ(boost::json::parse(bare.details), boost::json::parse("{}"));
  EXPECT_LE(bare.at, now_utc()) << "an unset time is the time of append";
  EXPECT_GT(bare.at, now_utc() - 1min);
}

TEST_P(StoreAuditTest, AppendRefusesABadOutcomeOrDetails) {
  AuditEvent e = event("user.login", 1, 1);
  e.outcome = "maybe";
  auto bad_outcome = audit().append(e);
  ASSERT_FALSE(bad_outcome);
  EXPECT_EQ(bad_outcome.error().code, ErrorCode::kInvalidInput) << describe(bad_outcome);
  for (const char* details : {"[1, 2]", "not json", "\"text\""}) {
    e = event("user.login", 1, 1);
    e.details = details;
    auto bad = audit().append(e);
    ASSERT_FALSE(bad) << details;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput) << details << ": " << describe(bad);
  }
  EXPECT_EQ(count({}), 0);
}

TEST_P(StoreAuditTest, UserFilterMatchesActorOrSubjectOnce) {
  const std::int64_t a_acts_on_b = append(event("user.updated", 1, 2));
  const std::int64_t b_alone = append(event("user.login", 2, std::nullopt));
  const std::int64_t about_a = append(event("user.banned", std::nullopt, 1));
  const std::int64_t a_on_self = append(event("user.password_changed", 1, 1));
  const std::int64_t other = append(event("user.login", 3, 3));

  EXPECT_EQ(list({.user_id = 1}), (Ids{a_on_self, about_a, a_acts_on_b}));
  EXPECT_EQ(count({.user_id = 1}), 3) << "an event with actor = subject counts once";
  EXPECT_EQ(list({.user_id = 2}), (Ids{b_alone, a_acts_on_b}));
  EXPECT_EQ(count({.user_id = 2}), 2);
  EXPECT_EQ(list({.user_id = 3}), (Ids{other}));
  EXPECT_EQ(list({.user_id = 4}), Ids{});
  EXPECT_EQ(count({.user_id = 4}), 0);
  EXPECT_EQ(list({}), (Ids{other, a_on_self, about_a, b_alone, a_acts_on_b}));
  EXPECT_EQ(count({}), 5);
}

TEST_P(StoreAuditTest, ActionSinceAndUntilFiltersCombine) {
  const std::int64_t login_old = append(event("user.login", 1, 1, at("2026-01-01T00:00:00Z")));
  const std::int64_t login_mid = append(event("user.login", 2, 2, at("2026-02-01T00:00:00Z")));
  const std::int64_t ban_mid = append(event("user.banned", 2, 1, at("2026-02-01T00:00:00Z")));
  const std::int64_t login_new = append(event("user.login", 1, 1, at("2026-03-01T00:00:00Z")));

  EXPECT_EQ(list({.action = "user.login"}), (Ids{login_new, login_mid, login_old}));
  EXPECT_EQ(count({.action = "user.login"}), 3);
  EXPECT_EQ(list({.since = at("2026-02-01T00:00:00Z")}), (Ids{login_new, ban_mid, login_mid}))
      << "since is inclusive";
  EXPECT_EQ(list({.until = at("2026-02-01T00:00:00Z")}), (Ids{ban_mid, login_mid, login_old}))
      << "until is inclusive";
  EXPECT_EQ(list({.since = at("2026-01-15T00:00:00Z"), .until = at("2026-02-15T00:00:00Z")}),
            (Ids{ban_mid, login_mid}));
  EXPECT_EQ(count({.since = at("2026-01-15T00:00:00Z"), .until = at("2026-02-15T00:00:00Z")}), 2);
  EXPECT_EQ(list({.user_id = 1, .action = "user.login"}), (Ids{login_new, login_old}));
  EXPECT_EQ(list({.user_id = 1, .since = at("2026-01-15T00:00:00Z")}), (Ids{login_new, ban_mid}));
  const AuditQuery all_four{.user_id = 2,
                            .action = "user.banned",
                            .since = at("2026-02-01T00:00:00Z"),
                            .until = at("2026-02-01T00:00:00Z")};
  EXPECT_EQ(list(all_four), (Ids{ban_mid}));
  EXPECT_EQ(count(all_four), 1);
  EXPECT_EQ(list({.action = "user.deleted"}), Ids{});
}

TEST_P(StoreAuditTest, PagesOfTheUserFilterFollowOneAnotherWithoutGapsOrRepeats) {
  // User 5 acts, is acted on, or both; user 6's events interleave.
  Ids expected;
  for (int i = 0; i < 37; ++i) {
    const std::int64_t actor = i % 3 == 0 ? 5 : 6;
    const std::int64_t subject = i % 3 == 1 ? 6 : 5;
    const std::int64_t id = append(event("e" + std::to_string(i), actor, subject));
    if (actor == 5 || subject == 5) expected.insert(expected.begin(), id);
    append(event("noise", 6, 6));
  }
  ASSERT_EQ(count({.user_id = 5}), static_cast<std::int64_t>(expected.size()));
  Ids paged;
  for (std::int64_t offset = 0; offset < 40; offset += 10) {
    const Ids page = list({.user_id = 5}, offset, 10);
    EXPECT_LE(page.size(), 10u);
    paged.insert(paged.end(), page.begin(), page.end());
  }
  EXPECT_EQ(paged, expected);
  EXPECT_EQ(list({.user_id = 5}, 1000, 10), Ids{});
  EXPECT_EQ(list({.user_id = 5}, 0, 0), Ids{});

  const Ids all = list({}, 0, 1000);
  ASSERT_EQ(all.size(), 74u);
  EXPECT_TRUE(std::is_sorted(all.rbegin(), all.rend()));
  EXPECT_EQ(list({}, 70, 10), Ids(all.begin() + 70, all.end()));
}

TEST_P(StoreAuditTest, ListAfterReadsOldestFirstAboveAnId) {
  Ids ids;
  for (int i = 0; i < 5; ++i) ids.push_back(append(event("e", 1, 1)));
  auto rows = audit().list_after(0, 3);
  ASSERT_TRUE(rows) << describe(rows);
  EXPECT_EQ(ids_of(*rows), (Ids{ids[0], ids[1], ids[2]}));
  rows = audit().list_after(ids[2], 10);
  ASSERT_TRUE(rows) << describe(rows);
  EXPECT_EQ(ids_of(*rows), (Ids{ids[3], ids[4]}));
  rows = audit().list_after(ids[4], 10);
  ASSERT_TRUE(rows) << describe(rows);
  EXPECT_TRUE(rows->empty());
}

TEST_P(StoreAuditTest, PurgeBeforeDeletesOldEventsInBatches) {
  Ids old_ids;
  for (int i = 0; i < 7; ++i) {
    old_ids.push_back(
        append(event("old", 1, 1, at("2025-01-0" + std::to_string(i + 1) + "T00:00:00Z"))));
  }
  Ids kept;
  for (int i = 0; i < 3; ++i)
    kept.push_back(append(event("new", 1, 1, at("2026-06-01T00:00:00Z"))));
  const Timestamp cutoff = at("2026-01-01T00:00:00Z");
  std::vector<std::int64_t> batches;
  for (;;) {
    auto n = audit().purge_before(cutoff, 3);
    ASSERT_TRUE(n) << describe(n);
    batches.push_back(*n);
    if (*n == 0) break;
  }
  EXPECT_EQ(batches, (std::vector<std::int64_t>{3, 3, 1, 0}));
  EXPECT_EQ(list({}), (Ids{kept[2], kept[1], kept[0]}));
  auto none = audit().purge_before(at("2026-06-01T00:00:00Z"), 10);
  ASSERT_TRUE(none) << describe(none);
  EXPECT_EQ(*none, 0) << "at == before is kept";
}

TEST_P(StoreAuditTest, PurgeBeforeTakesTheOldestFirst) {
  const std::int64_t newer = append(event("b", 1, 1, at("2025-02-01T00:00:00Z")));
  const std::int64_t older = append(event("a", 1, 1, at("2025-01-01T00:00:00Z")));
  auto n = audit().purge_before(at("2026-01-01T00:00:00Z"), 1);
  ASSERT_TRUE(n) << describe(n);
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(list({}), (Ids{newer}));
  (void)older;
}

TEST_P(StoreAuditTest, ASignInEventIsStoredWithItsSessionOrNotAtAll) {
  const User u = create_user("signin@example.com");
  NewSession s;
  s.user_id = u.id;
  s.refresh_jti = "jti-1";
  s.expires_at = now_utc() + 1h;
  s.record_sign_in_at = now_utc();
  s.id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  AuditEvent e = event("user.login", u.id, u.id);
  e.details = R"({"session_id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"})";
  s.sign_in_event = e;
  auto created = db_->sessions().create(s);
  ASSERT_TRUE(created) << describe(created);
  EXPECT_EQ(created->id, s.id) << "the id the event names";
  auto page = audit().list({.user_id = u.id}, 0, 10);
  ASSERT_TRUE(page) << describe(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().action, "user.login");
  // A session refused (its TOTP condition no longer holds) leaves no event either.
  s.id.clear();
  s.refresh_jti = "jti-2";
  s.require_mfa_enabled = true;
  EXPECT_FALSE(db_->sessions().create(s));
  page = audit().list({.user_id = u.id}, 0, 10);
  ASSERT_TRUE(page) << describe(page);
  EXPECT_EQ(page->size(), 1u);
}

TEST_P(StoreAuditTest, PurgeFinishedDeletesOnlyOldDeliveredOrGivenUpRows) {
  const Timestamp old_time = at("2025-01-01T00:00:00Z");
  auto sent = outbox().enqueue_webhook("http://a/", "{}", old_time);
  auto given_up = outbox().enqueue_webhook("http://b/", "{}", old_time);
  auto pending = outbox().enqueue_webhook("http://c/", "{}", old_time);
  auto email = outbox().enqueue("email", "{}", old_time);
  auto recent = outbox().enqueue_webhook("http://d/", "{}", now_utc());
  ASSERT_TRUE(sent && given_up && pending && email && recent);
  ASSERT_TRUE(outbox().mark_sent(*sent, now_utc()));
  ASSERT_TRUE(outbox().mark_failed(*given_up, "HTTP 500", std::nullopt));
  ASSERT_TRUE(outbox().mark_sent(*email, now_utc()));
  ASSERT_TRUE(outbox().mark_sent(*recent, now_utc()));
  // created_at is the row's own clock (now) for emails: only the webhook rows are old.
  auto first = outbox().purge_finished(at("2026-01-01T00:00:00Z"), 1);
  ASSERT_TRUE(first) << describe(first);
  EXPECT_EQ(*first, 1);
  auto rest = outbox().purge_finished(at("2026-01-01T00:00:00Z"), 10);
  ASSERT_TRUE(rest) << describe(rest);
  EXPECT_EQ(*rest, 1);
  auto rows = outbox().list_webhooks(false, 100);
  ASSERT_TRUE(rows) << describe(rows);
  std::vector<std::int64_t> left;
  for (const auto& m : *rows) left.push_back(m.id);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::int64_t>{*pending, *recent}))
      << "a pending delivery and a recent one stay";
}

// 20,000 events: the user_id filter reads two index ranges (a UNION), never the whole table.
TEST_P(StoreAuditTest, UserFilterUsesTheActorAndSubjectIndexes) {
  constexpr int kEvents = 20000;
  const auto filled = db_->in_transaction([&]() -> Status {
    for (int i = 0; i < kEvents; ++i) {
      auto id = audit().append(event("a" + std::to_string(i % 20), i % 1000, (i * 7) % 1000));
      if (!id) return id.error();
    }
    return ok();
  });
  ASSERT_TRUE(filled) << describe(filled);

  const AuditQuery by_user{.user_id = 5};
  const auto started = std::chrono::steady_clock::now();
  const Ids page = list(by_user, 0, 20);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(page.size(), 20u);
  EXPECT_EQ(count(by_user), 40);
  std::fprintf(
      stderr, "user_id page of %d events: %lld us\n", kEvents,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(took).count()));

  const SqlDialect dialect =
      GetParam() == Backend::kSqlite ? SqlDialect::kSqlite : SqlDialect::kPostgres;
  for (const AssembledSql& query :
       {audit_list_sql(by_user, 0, 20, dialect), audit_count_sql(by_user, dialect),
        audit_list_sql({.user_id = 5, .action = "a5"}, 20, 20, dialect)}) {
    const std::string p = plan(query);
    SCOPED_TRACE(query.sql + "\n" + p);
    EXPECT_NE(p.find("ix_audit_events_actor_id"), std::string::npos);
    EXPECT_NE(p.find("ix_audit_events_subject_user_id"), std::string::npos);
    if (GetParam() == Backend::kSqlite) {
      EXPECT_EQ(p.find("SCAN audit_events"), std::string::npos) << "a full scan";
    } else {
      EXPECT_EQ(p.find("Seq Scan"), std::string::npos) << "a full scan";
    }
  }
  const std::string by_action = plan(audit_list_sql({.action = "a3"}, 0, 20, dialect));
  EXPECT_EQ(by_action.find("Seq Scan"), std::string::npos) << by_action;
  EXPECT_EQ(by_action.find("SCAN audit_events\n"), std::string::npos) << by_action;
}

// --- webhook deliveries -------------------------------------------------------------------

TEST_P(StoreAuditTest, WebhookDeliveriesGoOutInOrderPerEndpoint) {
  const std::string a = "https://a.example/hook";
  const std::string b = "https://b.example/hook";
  const Timestamp before = now_utc();
  const std::int64_t a1 = enqueue_webhook(a, R"({"n":1})");
  const std::int64_t b1 = enqueue_webhook(b, R"({"n":2})");
  const std::int64_t a2 = enqueue_webhook(a, R"({"n":3})");

  auto claimed = outbox().claim_webhook(a, now_utc(), 30s);
  ASSERT_TRUE(claimed && claimed->has_value()) << describe(claimed);
  const OutboxMessage& m = **claimed;
  EXPECT_EQ(m.id, a1);
  EXPECT_EQ(m.kind, "webhook");
  EXPECT_EQ(m.endpoint, a);
  EXPECT_EQ(m.payload, R"({"n":1})");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_GE(m.created_at, before);
  EXPECT_GT(m.available_at, now_utc() + 20s) << "leased";
  EXPECT_FALSE(m.sent_at.has_value());
  EXPECT_FALSE(m.given_up_at.has_value());

  EXPECT_EQ(claim(a), 0) << "the head is leased: a2 must wait";
  EXPECT_EQ(claim(b), b1) << "another endpoint is independent";
  ASSERT_TRUE(outbox().mark_sent(a1, now_utc()));
  EXPECT_EQ(claim(a), a2);
  ASSERT_TRUE(outbox().mark_sent(a2, now_utc()));
  EXPECT_EQ(claim(a), 0) << "nothing left";
  EXPECT_EQ(claim("https://unknown.example/"), 0);

  auto pending = outbox().count_pending("webhook");
  ASSERT_TRUE(pending) << describe(pending);
  EXPECT_EQ(*pending, 1) << "b1, claimed but not sent";
  auto emails = outbox().claim("email", 10, now_utc() + 1h, 30s);
  ASSERT_TRUE(emails) << describe(emails);
  EXPECT_TRUE(emails->empty()) << "webhook rows are not emails";
}

TEST_P(StoreAuditTest, ALaterDeliveryNeverOvertakesAHeadWaitingForItsRetry) {
  const std::string a = "https://a.example/hook";
  const std::int64_t a1 = enqueue_webhook(a, "{}");
  const std::int64_t a2 = enqueue_webhook(a, "{}");
  const Timestamp t0 = now_utc();
  ASSERT_EQ(claim(a, t0), a1);
  ASSERT_TRUE(outbox().mark_failed(a1, "HTTP 500", t0 + 60s));
  EXPECT_EQ(claim(a, t0), 0) << "a2 is available, but a1 comes first";
  EXPECT_EQ(claim(a, t0 + 59s), 0);
  auto retried = outbox().claim_webhook(a, t0 + 61s, 30s);
  ASSERT_TRUE(retried && retried->has_value()) << describe(retried);
  EXPECT_EQ((*retried)->id, a1);
  EXPECT_EQ((*retried)->attempts, 1);
  EXPECT_EQ((*retried)->last_error, "HTTP 500");
  ASSERT_TRUE(outbox().mark_sent(a1, t0 + 62s));
  EXPECT_EQ(claim(a, t0 + 62s), a2);
}

TEST_P(StoreAuditTest, AGivenUpHeadLetsTheNextGoAndCanBeRetried) {
  const std::string a = "https://a.example/hook";
  const std::int64_t a1 = enqueue_webhook(a, "{}");
  const std::int64_t a2 = enqueue_webhook(a, "{}");
  const std::int64_t email = [&] {
    auto id = outbox().enqueue("email", "{}", now_utc());
    EXPECT_TRUE(id) << describe(id);
    return id ? *id : 0;
  }();
  ASSERT_EQ(claim(a), a1);
  ASSERT_TRUE(outbox().mark_failed(a1, "HTTP 410", std::nullopt));

  const auto failed = webhooks(true);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, a1);
  EXPECT_TRUE(failed[0].given_up_at.has_value());
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(failed[0].last_error, "HTTP 410");
  std::vector<std::int64_t> all;
  for (const auto& m : webhooks(false)) all.push_back(m.id);
  EXPECT_EQ(all, (Ids{a2, a1})) << "newest first, no emails";

  EXPECT_EQ(claim(a), a2) << "a given-up head no longer holds the line";
  ASSERT_TRUE(outbox().mark_sent(a2, now_utc()));

  for (const std::int64_t not_given_up : {a2, email, a2 + 1000}) {
    auto r = outbox().retry_webhook(not_given_up, now_utc());
    ASSERT_TRUE(r) << describe(r);
    EXPECT_FALSE(*r) << not_given_up;
  }
  auto retried = outbox().retry_webhook(a1, now_utc());
  ASSERT_TRUE(retried) << describe(retried);
  EXPECT_TRUE(*retried);
  EXPECT_TRUE(webhooks(true).empty());
  auto pending = outbox().count_pending("webhook");
  ASSERT_TRUE(pending) << describe(pending);
  EXPECT_EQ(*pending, 1);
  auto again = outbox().claim_webhook(a, now_utc(), 30s);
  ASSERT_TRUE(again && again->has_value()) << describe(again);
  EXPECT_EQ((*again)->id, a1);
  EXPECT_EQ((*again)->attempts, 1) << "attempts are kept";
  EXPECT_FALSE((*again)->given_up_at.has_value());
}

TEST_P(StoreAuditTest, WebhookRowsWorkWithTheGenericClaim) {
  const std::int64_t a1 = enqueue_webhook("https://a.example/hook", "{}");
  auto claimed = outbox().claim("webhook", 10, now_utc(), 30s);
  ASSERT_TRUE(claimed) << describe(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, a1);
  EXPECT_EQ((*claimed)[0].endpoint, "https://a.example/hook");

  auto email = outbox().enqueue("email", "{}", now_utc());
  ASSERT_TRUE(email) << describe(email);
  auto emails = outbox().claim("email", 10, now_utc(), 30s);
  ASSERT_TRUE(emails) << describe(emails);
  ASSERT_EQ(emails->size(), 1u);
  EXPECT_EQ((*emails)[0].endpoint, "") << "not a webhook";
}

// Claimers in separate Database instances (as separate processes) race for one endpoint's
// deliveries: every delivery is claimed exactly once, and in order.
TEST_P(StoreAuditTest, TwoClaimersNeverGetTheSameDelivery) {
  const std::string a = "https://a.example/hook";
  constexpr int kDeliveries = 40;
  Ids expected;
  expected.reserve(kDeliveries);
  for (int i = 0; i < kDeliveries; ++i) expected.push_back(enqueue_webhook(a, "{}"));

  constexpr int kClaimers = 4;
  std::vector<DatabasePtr> dbs;
  dbs.reserve(kClaimers);
  for (int i = 0; i < kClaimers; ++i) dbs.push_back(open_database());
  std::mutex mutex;
  Ids delivered;
  std::vector<std::string> errors;
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  threads.reserve(kClaimers);
  for (int t = 0; t < kClaimers; ++t) {
    threads.emplace_back([&, t] {
      const auto deadline = std::chrono::steady_clock::now() + 20s;
      while (!done && std::chrono::steady_clock::now() < deadline) {
        auto m = dbs[t]->outbox().claim_webhook(a, now_utc(), 60s);
        if (!m) {
          std::lock_guard lock(mutex);
          errors.push_back(describe(m));
          return;
        }
        if (!*m) {
          std::this_thread::yield();
          continue;
        }
        {
          std::lock_guard lock(mutex);
          delivered.push_back((*m)->id);
          if (delivered.size() == static_cast<std::size_t>(kDeliveries)) done = true;
        }
        auto sent = dbs[t]->outbox().mark_sent((*m)->id, now_utc());
        if (!sent) {
          std::lock_guard lock(mutex);
          errors.push_back(describe(sent));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(delivered, expected) << "each once, in id order";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreAuditTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);

}  // namespace
}  // namespace gatehouse::store
