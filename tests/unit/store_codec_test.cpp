// Pure unit tests of the storage helpers both backends rely on: time text, the scopes JSON
// codec, migration file names, DATABASE_URL handling and the connection pool.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "store/connection_pool.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_dsn.hpp"
#include "store/record_rules.hpp"
#include "store/string_list_json.hpp"
#include "store/time.hpp"

namespace gatehouse::store {
namespace {

using namespace std::chrono_literals;

TEST(StoreTimeTest, FormatsIsoUtcWithMicroseconds) {
  const Timestamp t =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 17h + 5min + 9s + 123456us;
  EXPECT_EQ(format_iso8601(t), "2026-11-29T17:05:09.123456Z");
  EXPECT_EQ(format_iso8601(Timestamp{}), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_iso8601(Timestamp{} - 1us), "1969-12-31T23:59:59.999999Z");
}

TEST(StoreTimeTest, ParsesWhatItFormatsAndPostgresTextForms) {
  const Timestamp t = std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 17h + 123456us;
  EXPECT_EQ(parse_iso8601("2026-11-29T17:00:00.123456Z"), t);
  EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
  EXPECT_EQ(parse_iso8601("2026-11-29 17:00:00.123456+00"), t);
  EXPECT_EQ(parse_iso8601("2026-11-29 18:30:00.123456+01:30"), t);
  EXPECT_EQ(parse_iso8601("2026-11-29 12:00:00.123456-0500"), t);
  EXPECT_EQ(parse_iso8601("2026-11-29 17:00:00+00"), t - 123456us);
  EXPECT_EQ(parse_iso8601("2026-11-29T17:00:00.1Z"), t - 23456us);
  EXPECT_EQ(parse_iso8601("2026-11-29T17:00:00.1234569Z"), t) << "beyond micros truncates";
  const Timestamp now = now_utc();
  EXPECT_EQ(parse_iso8601(format_iso8601(now)), now);
}

TEST(StoreTimeTest, RejectsMalformedText) {
  for (const char* bad :
       {"", "2026-11-29", "2026-11-29T17:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-29T24:00:00Z", "2026-11-29T17:00:00.Z", "2026-11-29T17:00:00Zjunk",
        "2026/11/29 17:00:00Z", "x026-11-29T17:00:00Z"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

TEST(StoreStringListJsonTest, RoundTripsAwkwardStrings) {
  const std::vector<std::string> items = {
      "", "a", "with \"quote\"", "back\\slash", "tab\there", "caf\xC3\xA9", "\x01"};
  const std::string json = encode_string_list(items);
  EXPECT_EQ(encode_string_list({}), "[]");
  EXPECT_EQ(encode_string_list({"a", "b"}), R"(["a","b"])");
  EXPECT_EQ(decode_string_list(json), items);
}

TEST(StoreStringListJsonTest, DecodesPostgresAndSqliteOutput) {
  EXPECT_EQ(decode_string_list("[]"), std::vector<std::string>{});
  EXPECT_EQ(decode_string_list(R"( [ "a" , "b" ] )"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(decode_string_list(R"(["\u00e9\ud83d\ude00\/"])"),
            std::vector<std::string>{"\xC3\xA9\xF0\x9F\x98\x80/"});
  for (const char* bad : {"", "null", "[1]", "[\"a\",]", "[\"a\"", "{\"a\":1}", "[\"\\x\"]",
                          "[\"a\"] x", "[\"\\ud83d\"]"}) {
    EXPECT_FALSE(decode_string_list(bad).has_value()) << bad;
  }
}

TEST(StoreMigrationsTest, SortsByVersionAndRejectsBadNames) {
  const EmbeddedFile files[] = {{"0002_second.sql", "B"}, {"0001_initial.sql", "A"}};
  auto loaded = load_migrations(files);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].version, 1);
  EXPECT_EQ((*loaded)[0].name, "initial");
  EXPECT_EQ((*loaded)[0].sql, "A");
  EXPECT_EQ((*loaded)[1].version, 2);

  const EmbeddedFile bad_name[] = {{"1_initial.sql", ""}};
  EXPECT_FALSE(load_migrations(bad_name));
  const EmbeddedFile duplicate[] = {{"0001_a.sql", ""}, {"0001_b.sql", ""}};
  EXPECT_FALSE(load_migrations(duplicate));
}

TEST(StoreMigrationsTest, EmbeddedMigrationsLoadForBothBackends) {
  auto sqlite = load_migrations(embedded_sqlite_migrations());
  auto postgres = load_migrations(embedded_postgres_migrations());
  ASSERT_TRUE(sqlite);
  ASSERT_TRUE(postgres);
  ASSERT_FALSE(sqlite->empty());
  // Both backends move through the same versions, so schema_version means the same thing.
  ASSERT_EQ(sqlite->size(), postgres->size());
  for (std::size_t i = 0; i < sqlite->size(); ++i) {
    EXPECT_EQ((*sqlite)[i].version, (*postgres)[i].version);
    EXPECT_EQ((*sqlite)[i].name, (*postgres)[i].name);
  }
}

TEST(StorePgDsnTest, NormalisesSqlalchemyUrls) {
  EXPECT_EQ(postgres::libpq_url("postgresql+asyncpg://u:p@h:5432/db"),
            "postgresql://u:p@h:5432/db");
  EXPECT_EQ(postgres::libpq_url("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(postgres::libpq_url("host=h dbname=db"), "host=h dbname=db");
}

TEST(StorePgDsnTest, FindsAndRedactsPasswords) {
  const auto secrets = postgres::dsn_secrets("postgresql://user:p%40ss%2Fw0rd@host:5432/db");
  EXPECT_EQ(postgres::redact("a p%40ss%2Fw0rd b p@ss/w0rd c", secrets), "a *** b *** c");
  EXPECT_TRUE(postgres::dsn_secrets("postgresql://user@host/db").empty());
  const auto kv = postgres::dsn_secrets("host=h password=kv-secret dbname=d");
  EXPECT_EQ(postgres::redact("x kv-secret y", kv), "x *** y");
  const auto query = postgres::dsn_secrets("postgresql://h/db?password=q-secret");
  EXPECT_EQ(postgres::redact("q-secret", query), "***");
}

TEST(StoreRecordRulesTest, CanonicalUuid) {
  EXPECT_EQ(canonical_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E"),
            "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_FALSE(canonical_uuid("0f8fad5b").has_value());
  EXPECT_FALSE(canonical_uuid("0f8fad5b-d9cb-469f-a165-70867728950g").has_value());
}

// A stand-in connection that counts how many exist.
struct FakeConn {
  explicit FakeConn(std::atomic<int>& live) : live_(live) { ++live_; }
  ~FakeConn() { --live_; }
  std::atomic<int>& live_;
};

TEST(StoreConnectionPoolTest, CreatesLazilyReusesAndCapsConnections) {
  std::atomic<int> live{0};
  std::atomic<int> made{0};
  ConnectionPool<FakeConn> pool(2, 50ms, [&]() -> Result<std::unique_ptr<FakeConn>> {
    ++made;
    return std::make_unique<FakeConn>(live);
  });
  EXPECT_EQ(made.load(), 0) << "constructing the pool must not connect";
  {
    auto a = pool.acquire();
    ASSERT_TRUE(a);
  }
  auto a = pool.acquire();
  ASSERT_TRUE(a);
  EXPECT_EQ(made.load(), 1) << "an idle connection is reused";
  auto b = pool.acquire();
  ASSERT_TRUE(b);
  EXPECT_EQ(made.load(), 2);
  auto c = pool.acquire();
  ASSERT_FALSE(c) << "a third lease must wait, then time out";
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
}

TEST(StoreConnectionPoolTest, AReturnedConnectionUnblocksAWaiter) {
  std::atomic<int> live{0};
  ConnectionPool<FakeConn> pool(1, 5s, [&]() -> Result<std::unique_ptr<FakeConn>> {
    return std::make_unique<FakeConn>(live);
  });
  auto held = pool.acquire();
  ASSERT_TRUE(held);
  std::thread releaser([&] { held = Error::internal("released"); });
  auto next = pool.acquire();  // waits (if need be) until the releaser gives it back
  releaser.join();
  EXPECT_TRUE(next);
  EXPECT_EQ(live.load(), 1);
}

TEST(StoreConnectionPoolTest, DiscardedAndInvalidatedConnectionsAreClosed) {
  std::atomic<int> live{0};
  std::atomic<bool> fail{false};
  ConnectionPool<FakeConn> pool(1, 50ms, [&]() -> Result<std::unique_ptr<FakeConn>> {
    if (fail) return Error::unavailable("Database unavailable", "down");
    return std::make_unique<FakeConn>(live);
  });
  {
    auto a = pool.acquire();
    ASSERT_TRUE(a);
    a->discard();
  }
  EXPECT_EQ(live.load(), 0);
  {
    auto a = pool.acquire();
    ASSERT_TRUE(a) << "a discarded connection frees its slot";
  }
  EXPECT_EQ(live.load(), 1);
  pool.invalidate();
  EXPECT_EQ(live.load(), 0);
  fail = true;
  auto down = pool.acquire();
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().cause, "down");
  fail = false;
  auto up = pool.acquire();
  EXPECT_TRUE(up) << "a failed connect does not leak the slot";
}

}  // namespace
}  // namespace gatehouse::store
