// In-process shared-state backends: fixed-window rate limiter and revocation list.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kv/memory/memory_rate_limiter.hpp"
#include "kv/memory/memory_revocation_list.hpp"

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

TEST(MemoryRevocationList, RevokedUntilExpiry) {
  MemoryRevocationList list;
  const auto now = store::now_utc();
  list.revoke_session("s1", now + std::chrono::minutes(10));
  EXPECT_TRUE(list.is_session_revoked("s1", now));
  EXPECT_FALSE(list.is_session_revoked("s2", now));
  EXPECT_FALSE(list.is_session_revoked("s1", now + std::chrono::minutes(11)));
}

}  // namespace
}  // namespace gatehouse::kv
