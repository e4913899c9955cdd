#pragma once
// RetryingResponseCache: a ResponseCache whose failed invalidations are not forgotten. When
// the store (Redis) cannot be reached, the scopes are kept in this process and invalidated
// before any other use of the cache once it answers again; until then every lookup of this
// instance is refused (kUnavailable), so it serves answers without the cache rather than
// one that a change made during the outage has made stale. Safe for concurrent use.
#include <atomic>
#include <mutex>
#include <set>
#include <string>

#include "kv/response_cache.hpp"

namespace gatehouse::kv {

class RetryingResponseCache final : public ResponseCache {
 public:
  explicit RetryingResponseCache(ResponseCachePtr inner);

  // ResponseCache
  Result<CacheLookup> get(std::string_view scope, std::string_view key) override;
  Status put(std::string_view scope, std::string_view key, std::uint64_t generation,
             const CachedResponse& entry, std::chrono::milliseconds ttl) override;
  Status invalidate(std::initializer_list<std::string_view> scopes) override;
  void clear() override;

  // Scopes whose invalidation still waits for the store (tests, metrics).
  std::size_t pending() const;

 private:
  // Invalidates the kept scopes; kUnavailable (and they stay kept) when the store still fails.
  Status flush();

  ResponseCachePtr inner_;
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> pending_;
  std::atomic<bool> has_pending_{false};
};

}  // namespace gatehouse::kv
