// In-process shared-state backends: what only the memory implementations promise (aligned
// windows, the LRU bound). The behaviour every backend shares is in kv_backends_test.cpp.
#include <gtest/gtest.h>

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
