#pragma once
// In-process response cache: at most `max_entries` entries (CACHE_MAX_ENTRIES), the least
// recently used evicted first; expired entries are dropped when met or evicted.
//
// With a SharedGeneration (SQLite without Redis), invalidations made by another process (the
// CLI) are seen at the next lookup: every bump this cache did not make itself empties it and
// moves every scope past the generations lookups have seen, so no answer computed before the
// edit is filed after it.
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>

#include "kv/memory/shared_generation.hpp"
#include "kv/response_cache.hpp"
#include "store/time.hpp"

namespace gatehouse::kv {

class MemoryResponseCache final : public ResponseCache {
 public:
  using Clock = std::function<store::Timestamp()>;
  explicit MemoryResponseCache(std::size_t max_entries, Clock clock = store::now_utc,
                               std::unique_ptr<SharedGeneration> shared = nullptr);

  // ResponseCache
  Result<CacheLookup> get(std::string_view scope, std::string_view key) override;
  Status put(std::string_view scope, std::string_view key, std::uint64_t generation,
             const CachedResponse& entry, std::chrono::milliseconds ttl) override;
  Status invalidate(std::initializer_list<std::string_view> scopes) override;
  void clear() override;

  std::size_t size() const;

 private:
  struct Node {
    std::string key;  // scope \x1f generation \x1f key
    CachedResponse value;
    store::Timestamp expires;
  };
  struct Generation {
    std::uint64_t value = 0;
    store::Timestamp changed;
  };
  std::uint64_t generation_of(std::string_view scope) const;  // under mutex_
  void follow_other_processes();                              // under mutex_
  void drop_everything();                                     // under mutex_
  void forget_old_generations(store::Timestamp now);          // under mutex_

  std::size_t max_entries_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::list<Node> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Node>::iterator> index_;
  std::unordered_map<std::string, Generation> generations_;
  std::uint64_t last_generation_ = 0;  // generations only grow, across scopes
  std::size_t invalidations_since_sweep_ = 0;
  std::unique_ptr<SharedGeneration> shared_;
  std::uint64_t shared_seen_ = 0;  // the shared counter as this cache last accounted for it
  std::uint64_t floor_ = 0;        // every scope's generation is at least this
};

}  // namespace gatehouse::kv
