// One behavioural suite for every shared-state backend: the in-process implementations
// (kv/memory, with a fake clock) and the Redis ones (kv/redis, against TEST_REDIS_URL, real
// time with short periods). Each Redis test writes under a key prefix of its own.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kv/memory/memory_rate_limiter.hpp"
#include "kv/memory/memory_replay_guard.hpp"
#include "kv/memory/memory_response_cache.hpp"
#include "kv/redis/redis_rate_limiter.hpp"
#include "kv/redis/redis_replay_guard.hpp"
#include "kv/redis/redis_response_cache.hpp"
#include "unit/kv_redis_support.hpp"

namespace gatehouse::kv {
namespace {

using namespace std::chrono_literals;
using testing_support::test_redis_options;
using testing_support::unique_prefix;

// In-process stores on a fake clock: advance() moves time at once.
class MemoryBackend {
 public:
  static constexpr bool kNeedsRedis = false;
  void set_up() {}
  RateLimiterPtr rate_limiter() {
    return std::make_unique<MemoryRateLimiter>([this] { return now(); });
  }
  ResponseCachePtr response_cache() {
    return std::make_unique<MemoryResponseCache>(1000, [this] { return now(); });
  }
  ReplayGuardPtr replay_guard() {
    return std::make_unique<MemoryReplayGuard>([this] { return now(); });
  }
  store::Timestamp now() const { return now_.load(); }
  void advance(std::chrono::milliseconds d) { now_.store(now_.load() + d); }

 private:
  std::atomic<store::Timestamp> now_{store::Timestamp(std::chrono::seconds(1'800'000'000))};
};

// Redis stores on the test server: advance() waits.
class RedisBackend {
 public:
  static constexpr bool kNeedsRedis = true;
  void set_up() {
    RedisOptions o = *test_redis_options();
    o.key_prefix = unique_prefix();
    client_ = std::make_unique<RedisClient>(o);
  }
  RateLimiterPtr rate_limiter() { return std::make_unique<RedisRateLimiter>(*client_); }
  ResponseCachePtr response_cache() { return std::make_unique<RedisResponseCache>(*client_); }
  ReplayGuardPtr replay_guard() { return std::make_unique<RedisReplayGuard>(*client_); }
  store::Timestamp now() const { return store::now_utc(); }
  void advance(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }
  ~RedisBackend() {
    if (client_) (void)delete_keys_with_prefix(*client_, client_->options().key_prefix);
  }

 private:
  RedisClientPtr client_;
};

template <class Backend>
class KvBackendTest : public testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Backend::kNeedsRedis) REQUIRE_TEST_REDIS();
    backend_.set_up();
  }
  Backend backend_;
};

class BackendNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return T::kNeedsRedis ? "Redis" : "Memory";
  }
};

using Backends = testing::Types<MemoryBackend, RedisBackend>;
TYPED_TEST_SUITE(KvBackendTest, Backends, BackendNames);

// ---------------------------------------------------------------------------------------------
// Rate limiter

TYPED_TEST(KvBackendTest, RateLimiterAllowsUpToTheLimitThenRefusesWithRetryAfter) {
  auto limiter = this->backend_.rate_limiter();
  for (int i = 1; i <= 5; ++i) {
    const auto d = limiter->hit("login:1.2.3.4", 5, 900s);
    ASSERT_TRUE(d) << d.error().cause;
    EXPECT_TRUE(d->allowed) << i;
    EXPECT_TRUE(d->enforced);
    EXPECT_EQ(d->limit, 5);
    EXPECT_EQ(d->remaining, 5 - i);
    EXPECT_GE(d->reset_seconds, 1);
    EXPECT_LE(d->reset_seconds, 900);
  }
  for (int i = 0; i < 3; ++i) {
    const auto refused = limiter->hit("login:1.2.3.4", 5, 900s);
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused->allowed);
    EXPECT_EQ(refused->remaining, 0);
    EXPECT_GE(refused->retry_after_seconds, 1);
    EXPECT_LE(refused->retry_after_seconds, 900);
  }
  EXPECT_TRUE(limiter->hit("login:5.6.7.8", 5, 900s)->allowed) << "another key counts alone";
  EXPECT_TRUE(limiter->hit("login:1.2.3.4", 5, 3600s)->allowed) << "another period too";
}

TYPED_TEST(KvBackendTest, RateLimiterWindowEndsAfterThePeriod) {
  auto limiter = this->backend_.rate_limiter();
  ASSERT_TRUE(limiter->hit("verify:ip", 1, 1s)->allowed);
  const auto refused = limiter->hit("verify:ip", 1, 1s);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->retry_after_seconds, 1) << "never above the period";
  this->backend_.advance(1100ms);
  const auto again = limiter->hit("verify:ip", 1, 1s);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->allowed) << "a new window";
  EXPECT_EQ(again->remaining, 0);
}

TYPED_TEST(KvBackendTest, RateLimiterCountsConcurrentHitsExactly) {
  auto limiter = this->backend_.rate_limiter();
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto d = limiter->hit("shared", 250, 3600s);
        if (!d) {
          ++failed;
        } else if (d->allowed) {
          ++allowed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(allowed.load(), 250);
  EXPECT_FALSE(limiter->hit("shared", 250, 3600s)->allowed);
}

TYPED_TEST(KvBackendTest, RateLimiterResetForgetsEveryCounter) {
  auto limiter = this->backend_.rate_limiter();
  ASSERT_TRUE(limiter->hit("register:ip", 1, 3600s)->allowed);
  ASSERT_FALSE(limiter->hit("register:ip", 1, 3600s)->allowed);
  limiter->reset();
  EXPECT_TRUE(limiter->hit("register:ip", 1, 3600s)->allowed);
}

// ---------------------------------------------------------------------------------------------
// Response cache

CachedResponse response(std::string body) {
  CachedResponse r;
  r.etag = "W/\"" + std::to_string(std::hash<std::string>{}(body)) + "\"";
  r.body = std::move(body);
  r.content_type = "application/json";
  return r;
}

TYPED_TEST(KvBackendTest, CacheMissThenHitUntilTheTtlEnds) {
  auto cache = this->backend_.response_cache();
  const std::string scope = cache_scope::user(42);
  auto miss = cache->get(scope, "get_my_user");
  ASSERT_TRUE(miss) << miss.error().cause;
  EXPECT_FALSE(miss->hit);
  ASSERT_TRUE(cache->put(scope, "get_my_user", miss->generation, response("{\"id\":42}"), 600ms));
  auto hit = cache->get(scope, "get_my_user");
  ASSERT_TRUE(hit);
  ASSERT_TRUE(hit->hit);
  EXPECT_EQ(hit->hit->body, "{\"id\":42}");
  EXPECT_EQ(hit->hit->etag, response("{\"id\":42}").etag);
  EXPECT_EQ(hit->hit->content_type, "application/json");
  EXPECT_GT(hit->hit->ttl_remaining, 0ms);
  EXPECT_LE(hit->hit->ttl_remaining, 600ms);
  EXPECT_FALSE(cache->get(scope, "other_key")->hit);
  EXPECT_FALSE(cache->get(cache_scope::user(4), "get_my_user")->hit) << "user 4 is not 42";
  this->backend_.advance(700ms);
  EXPECT_FALSE(cache->get(scope, "get_my_user")->hit) << "expired";
}

TYPED_TEST(KvBackendTest, CacheInvalidationDropsOnlyTheGivenScopes) {
  auto cache = this->backend_.response_cache();
  const std::string a = cache_scope::user(1);
  const std::string b = cache_scope::user(2);
  const std::string list(cache_scope::kUsersList);
  for (const auto& s : {a, b, list}) {
    auto g = cache->get(s, "k");
    ASSERT_TRUE(g);
    ASSERT_TRUE(cache->put(s, "k", g->generation, response("body of " + s), 60s));
  }
  ASSERT_TRUE(cache->invalidate({a, list}));
  EXPECT_FALSE(cache->get(a, "k")->hit);
  EXPECT_FALSE(cache->get(list, "k")->hit);
  auto kept = cache->get(b, "k");
  ASSERT_TRUE(kept->hit);
  EXPECT_EQ(kept->hit->body, "body of " + b);
  // Filing again after the invalidation works as before.
  auto fresh = cache->get(a, "k");
  ASSERT_TRUE(cache->put(a, "k", fresh->generation, response("new"), 60s));
  EXPECT_EQ(cache->get(a, "k")->hit->body, "new");
}

TYPED_TEST(KvBackendTest, CacheRefusesAnAnswerComputedBeforeAnInvalidation) {
  auto cache = this->backend_.response_cache();
  const std::string scope = cache_scope::api_keys(7);
  auto before = cache->get(scope, "list_api_keys");
  ASSERT_TRUE(before);
  ASSERT_TRUE(cache->invalidate({scope}));  // a mutation lands while the answer is rendered
  ASSERT_TRUE(cache->put(scope, "list_api_keys", before->generation, response("stale"), 60s));
  EXPECT_FALSE(cache->get(scope, "list_api_keys")->hit) << "the stale answer was not filed";
}

TYPED_TEST(KvBackendTest, CacheClearForgetsEverything) {
  auto cache = this->backend_.response_cache();
  auto g = cache->get("user:9", "k");
  ASSERT_TRUE(cache->put("user:9", "k", g->generation, response("x"), 60s));
  cache->clear();
  EXPECT_FALSE(cache->get("user:9", "k")->hit);
}

// ---------------------------------------------------------------------------------------------
// Replay guard

TYPED_TEST(KvBackendTest, ReplayGuardAcceptsAValueOnceUntilItExpires) {
  auto guard = this->backend_.replay_guard();
  auto first = guard->first_use("totp:42:123456", 400ms);
  ASSERT_TRUE(first) << first.error().cause;
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*guard->first_use("totp:42:123456", 400ms)) << "a replay";
  EXPECT_TRUE(*guard->first_use("totp:43:123456", 400ms)) << "another user's code";
  this->backend_.advance(500ms);
  EXPECT_TRUE(*guard->first_use("totp:42:123456", 400ms)) << "forgotten after its ttl";
}

TYPED_TEST(KvBackendTest, ReplayGuardLetsExactlyOneConcurrentUseThrough) {
  auto guard = this->backend_.replay_guard();
  std::atomic<int> first{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = guard->first_use("token:abc", 60s);
        if (r && *r) ++first;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(first.load(), 1);
}

}  // namespace
}  // namespace gatehouse::kv
