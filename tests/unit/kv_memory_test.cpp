// In-process shared-state backends: what only the memory implementations promise (aligned
// windows, the LRU bound). The behaviour every backend shares is in kv_backends_test.cpp.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "kv/fail_policy_rate_limiter.hpp"
#include "kv/memory/memory_rate_limiter.hpp"
#include "kv/memory/memory_response_cache.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::kv {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  store::Timestamp now = store::Timestamp(std::chrono::seconds(1'800'000'000));
  store::Timestamp operator()() const { return now; }
};

TEST(MemoryRateLimiter, AllowsUpToTheLimitThenRefusesWithRetryAfter) {
  FakeClock clock;
  MemoryRateLimiter limiter([&] { return clock(); });
  for (int i = 1; i <= 5; ++i) {
    const auto d = limiter.hit("login:1.2.3.4", 5, 900s);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->allowed) << i;
    EXPECT_EQ(d->remaining, 5 - i);
  }
  const auto refused = limiter.hit("login:1.2.3.4", 5, 900s);
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->remaining, 0);
  EXPECT_GE(refused->retry_after_seconds, 1);
  EXPECT_LE(refused->retry_after_seconds, 900);
  // Another key has its own counter.
  EXPECT_TRUE(limiter.hit("login:5.6.7.8", 5, 900s)->allowed);
}

TEST(MemoryRateLimiter, RetryAfterCountsDownToTheWindowEnd) {
  FakeClock clock;
  // Align to a window start so the arithmetic is exact.
  clock.now = store::Timestamp(std::chrono::seconds(3600 * 500000));
  MemoryRateLimiter limiter([&] { return clock(); });
  limiter.hit("k", 1, 3600s);
  clock.now += 3000s;
  const auto d = limiter.hit("k", 1, 3600s);
  EXPECT_FALSE(d->allowed);
  EXPECT_EQ(d->retry_after_seconds, 600);
  clock.now += 600s;
  EXPECT_TRUE(limiter.hit("k", 1, 3600s)->allowed) << "a new window starts";
}

TEST(MemoryRateLimiter, ConcurrentHitsAreCountedExactly) {
  FakeClock clock;
  MemoryRateLimiter limiter([&] { return clock(); });
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (limiter.hit("shared", 250, 3600s)->allowed) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 250);
}

TEST(MemoryResponseCache, KeepsAtMostMaxEntriesEvictingTheLeastRecentlyUsed) {
  FakeClock clock;
  MemoryResponseCache cache(3, [&] { return clock(); });
  CachedResponse r;
  r.body = "x";
  for (const char* k : {"a", "b", "c"}) ASSERT_TRUE(cache.put("s", k, 0, r, 60s));
  ASSERT_TRUE(cache.get("s", "a")->hit);  // "a" is now the most recently used
  ASSERT_TRUE(cache.put("s", "d", 0, r, 60s));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.get("s", "b")->hit) << "the least recently used went";
  EXPECT_TRUE(cache.get("s", "a")->hit);
  EXPECT_TRUE(cache.get("s", "c")->hit);
  EXPECT_TRUE(cache.get("s", "d")->hit);
  ASSERT_TRUE(cache.put("s", "d", 0, r, 60s));
  EXPECT_EQ(cache.size(), 3u) << "replacing an entry does not grow the cache";
}

TEST(MemoryResponseCache, TtlIsCappedAndCountsDown) {
  FakeClock clock;
  MemoryResponseCache cache(10, [&] { return clock(); });
  CachedResponse r;
  ASSERT_TRUE(cache.put("s", "k", 0, r, std::chrono::hours(48)));
  EXPECT_EQ(cache.get("s", "k")->hit->ttl_remaining, kMaxCacheTtl);
  clock.now += 1h;
  EXPECT_EQ(cache.get("s", "k")->hit->ttl_remaining, kMaxCacheTtl - 1h);
}

// Two caches on one shared generation file stand for a server and a CLI process.
class SharedGenerationCaches : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/gh-sharedgen-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = shared_generation_path(dir_ + "/db.sqlite");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<MemoryResponseCache> cache() {
    auto shared = SharedGeneration::open(path_, /*create=*/true);
    EXPECT_TRUE(shared);
    return std::make_unique<MemoryResponseCache>(
        10, [this] { return clock_(); }, std::move(shared));
  }
  FakeClock clock_;
  std::string dir_;
  std::string path_;
};

TEST_F(SharedGenerationCaches, AnotherProcessInvalidationEmptiesTheCache) {
  auto server = cache();
  auto cli = cache();
  CachedResponse r;
  r.body = "before";
  ASSERT_TRUE(server->put("user:1", "k", server->get("user:1", "k")->generation, r, 60s));
  ASSERT_TRUE(server->put("user:2", "k", server->get("user:2", "k")->generation, r, 60s));
  ASSERT_TRUE(server->get("user:1", "k")->hit);
  // The CLI changes user 1: every entry goes, whatever its scope (the CLI names scopes the
  // server cannot see).
  ASSERT_TRUE(cli->invalidate({"user:1"}));
  EXPECT_FALSE(server->get("user:1", "k")->hit);
  EXPECT_FALSE(server->get("user:2", "k")->hit);
  EXPECT_EQ(server->size(), 0u);
  // Once seen, caching works again.
  ASSERT_TRUE(server->put("user:1", "k", server->get("user:1", "k")->generation, r, 60s));
  EXPECT_TRUE(server->get("user:1", "k")->hit);
}

TEST_F(SharedGenerationCaches, AnswerComputedBeforeAnotherProcessEditIsNotFiled) {
  auto server = cache();
  auto cli = cache();
  const std::uint64_t seen = server->get("user:1", "k")->generation;  // the miss
  ASSERT_TRUE(cli->invalidate({"user:1"}));                           // the edit commits
  CachedResponse stale;
  stale.body = "stale";
  ASSERT_TRUE(server->put("user:1", "k", seen, stale, 60s));
  EXPECT_FALSE(server->get("user:1", "k")->hit) << "the stale answer was dropped";
}

TEST_F(SharedGenerationCaches, OwnInvalidationsKeepOtherScopes) {
  auto server = cache();
  CachedResponse r;
  ASSERT_TRUE(server->put("user:1", "k", server->get("user:1", "k")->generation, r, 60s));
  ASSERT_TRUE(server->put("user:2", "k", server->get("user:2", "k")->generation, r, 60s));
  ASSERT_TRUE(server->invalidate({"user:1"}));
  EXPECT_FALSE(server->get("user:1", "k")->hit);
  EXPECT_TRUE(server->get("user:2", "k")->hit) << "a process's own edit is scoped as before";
  // And the counter it shares did move, for the others.
  auto other = SharedGeneration::open(path_, /*create=*/false);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->load(), 1u);
}

TEST(SharedGeneration, UnopenablePathGivesNothing) {
  int error = 0;
  EXPECT_EQ(SharedGeneration::open("/nonexistent-dir/x-cachegen", true, &error), nullptr);
  EXPECT_EQ(error, ENOENT);
}

TEST_F(SharedGenerationCaches, OnlyTheServerCreatesTheFileAndLinksAreRefused) {
  int error = 0;
  EXPECT_EQ(SharedGeneration::open(path_, /*create=*/false, &error), nullptr);
  EXPECT_EQ(error, ENOENT) << "a command does not create the counter";
  ASSERT_TRUE(SharedGeneration::open(path_, /*create=*/true));
  EXPECT_TRUE(SharedGeneration::open(path_, /*create=*/false)) << "but joins the server's";
  const std::string link = dir_ + "/link-cachegen";
  ASSERT_EQ(::symlink(path_.c_str(), link.c_str()), 0);
  EXPECT_EQ(SharedGeneration::open(link, /*create=*/false, &error), nullptr);
  EXPECT_EQ(error, ELOOP);
}

TEST(SharedGeneration, InMemoryDatabasesShareNothing) {
  EXPECT_EQ(shared_generation_path(":memory:"), "");
  EXPECT_EQ(shared_generation_path(""), "");
  EXPECT_EQ(shared_generation_path("/data/gh.db"), "/data/gh.db-cachegen");
}

// A store that cannot be reached, as a down Redis answers.
class UnreachableLimiter final : public RateLimiter {
 public:
  Result<RateDecision> hit(const std::string&, int, std::chrono::seconds) override {
    return Error::unavailable("Service temporarily unavailable", "redis: connection refused");
  }
  void reset() override {}
};

double shared_state_errors(std::string_view store) {
  return obs::metrics()
      .counter(obs::metrics_namespace() + "_shared_state_errors_total", "", {"store"})
      .with({store})
      .value();
}

TEST(FailPolicyRateLimiter, FailsOpenWithAnUnenforcedDecisionAndCountsIt) {
  FailPolicyRateLimiter open(std::make_unique<UnreachableLimiter>(), true);
  const double before = shared_state_errors("rate_limit");
  for (int i = 0; i < 3; ++i) {
    const auto d = open.hit("login:ip", 5, 900s);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->allowed);
    EXPECT_FALSE(d->enforced);
    EXPECT_EQ(d->retry_after_seconds, 0);
  }
  EXPECT_EQ(shared_state_errors("rate_limit"), before + 3);
}

TEST(FailPolicyRateLimiter, FailsClosedWithUnavailable) {
  FailPolicyRateLimiter closed(std::make_unique<UnreachableLimiter>(), false);
  const auto d = closed.hit("login:ip", 5, 900s);
  ASSERT_FALSE(d);
  EXPECT_TRUE(d.error().is(ErrorCode::kUnavailable));
  EXPECT_GE(d.error().retry_after_seconds, 1);
}

TEST(FailPolicyRateLimiter, PassesAWorkingLimiterThrough) {
  FakeClock clock;
  FailPolicyRateLimiter limiter(std::make_unique<MemoryRateLimiter>([&] { return clock(); }), true);
  EXPECT_TRUE(limiter.hit("k", 1, 60s)->enforced);
  EXPECT_FALSE(limiter.hit("k", 1, 60s)->allowed);
}

}  // namespace
}  // namespace gatehouse::kv
