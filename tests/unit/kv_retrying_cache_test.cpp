// RetryingResponseCache: an invalidation the store could not take is kept and applied before
// the cache is used again; until then this instance refuses lookups, so it never serves an
// answer a change made during the outage has made stale.
#include <gtest/gtest.h>

#include <memory>

#include "kv/memory/memory_response_cache.hpp"
#include "kv/retrying_response_cache.hpp"

namespace gatehouse::kv {
namespace {

using namespace std::chrono_literals;

// A memory cache behind a switch that makes every call fail as an unreachable store would.
class SwitchableCache final : public ResponseCache {
 public:
  bool down = false;
  int invalidations = 0;  // calls that reached the store

  Result<CacheLookup> get(std::string_view scope, std::string_view key) override {
    if (down) return unavailable();
    return inner_.get(scope, key);
  }
  Status put(std::string_view scope, std::string_view key, std::uint64_t generation,
             const CachedResponse& entry, std::chrono::milliseconds ttl) override {
    if (down) return unavailable();
    return inner_.put(scope, key, generation, entry, ttl);
  }
  Status invalidate(std::initializer_list<std::string_view> scopes) override {
    if (down) return unavailable();
    ++invalidations;
    return inner_.invalidate(scopes);
  }
  void clear() override { inner_.clear(); }

 private:
  static Error unavailable() { return Error::unavailable("cache down", "test switch", 1); }
  MemoryResponseCache inner_{100};
};

struct Fixture {
  SwitchableCache* store = nullptr;
  std::unique_ptr<RetryingResponseCache> cache;

  Fixture() {
    auto inner = std::make_unique<SwitchableCache>();
    store = inner.get();
    cache = std::make_unique<RetryingResponseCache>(std::move(inner));
  }

  // Files `body` under scope/key at the scope's current generation.
  void fill(std::string_view scope, std::string_view key, const std::string& body) {
    auto l = cache->get(scope, key);
    ASSERT_TRUE(l);
    CachedResponse r;
    r.body = body;
    ASSERT_TRUE(cache->put(scope, key, l->generation, r, 60s));
  }
};

TEST(RetryingResponseCache, PassesAWorkingStoreThrough) {
  Fixture f;
  f.fill("user:1", "me", "v1");
  auto hit = f.cache->get("user:1", "me");
  ASSERT_TRUE(hit && hit->hit);
  EXPECT_EQ(hit->hit->body, "v1");
  ASSERT_TRUE(f.cache->invalidate({"user:1"}));
  EXPECT_FALSE(f.cache->get("user:1", "me")->hit);
  EXPECT_EQ(f.cache->pending(), 0u);
}

TEST(RetryingResponseCache, FailedInvalidationIsKeptAndAppliedBeforeTheNextUse) {
  Fixture f;
  f.fill("user:1", "me", "before the ban");
  f.fill("users:list", "page0", "list before the ban");
  f.fill("user:2", "me", "someone else");

  f.store->down = true;
  EXPECT_FALSE(f.cache->invalidate({"user:1", "users:list"}));
  EXPECT_EQ(f.cache->pending(), 2u);
  // Still down: lookups and puts are refused (serve without the cache), nothing is lost.
  EXPECT_FALSE(f.cache->get("user:2", "me"));
  EXPECT_FALSE(f.cache->put("user:2", "me", 0, CachedResponse{}, 60s));
  EXPECT_EQ(f.cache->pending(), 2u);

  // Back: the first use applies the kept invalidations, so the stale answers are gone while
  // an unrelated scope keeps its entry.
  f.store->down = false;
  auto user2 = f.cache->get("user:2", "me");
  ASSERT_TRUE(user2);
  EXPECT_EQ(f.cache->pending(), 0u);
  ASSERT_TRUE(user2->hit);
  EXPECT_EQ(user2->hit->body, "someone else");
  EXPECT_FALSE(f.cache->get("user:1", "me")->hit);
  EXPECT_FALSE(f.cache->get("users:list", "page0")->hit);
}

TEST(RetryingResponseCache, KeptInvalidationsAccumulateAndFlushBeforeTheNextOne) {
  Fixture f;
  f.fill("user:1", "me", "stale");
  f.store->down = true;
  EXPECT_FALSE(f.cache->invalidate({"user:1"}));
  EXPECT_FALSE(f.cache->invalidate({"user:3"}));
  EXPECT_EQ(f.cache->pending(), 2u);
  // A later invalidation while still down adds to the kept set; one that succeeds after the
  // store is back flushes the kept ones first.
  f.store->down = false;
  ASSERT_TRUE(f.cache->invalidate({"user:4"}));
  EXPECT_EQ(f.cache->pending(), 0u);
  EXPECT_EQ(f.store->invalidations, 3);
  EXPECT_FALSE(f.cache->get("user:1", "me")->hit);
}

TEST(RetryingResponseCache, ClearForgetsKeptInvalidations) {
  Fixture f;
  f.store->down = true;
  EXPECT_FALSE(f.cache->invalidate({"user:1"}));
  f.cache->clear();
  EXPECT_EQ(f.cache->pending(), 0u);
  f.store->down = false;
  EXPECT_TRUE(f.cache->get("user:1", "me"));
  EXPECT_EQ(f.store->invalidations, 0);
}

}  // namespace
}  // namespace gatehouse::kv
