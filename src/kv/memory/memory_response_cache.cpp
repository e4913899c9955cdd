#include "kv/memory/memory_response_cache.hpp"

#include <algorithm>

namespace gatehouse::kv {

namespace {

std::string entry_key(std::string_view scope, std::uint64_t generation, std::string_view key) {
  std::string k(scope);
  k += '\x1f';
  k += std::to_string(generation);
  k += '\x1f';
  k += key;
  return k;
}

}  // namespace

MemoryResponseCache::MemoryResponseCache(std::size_t max_entries, Clock clock,
                                         std::unique_ptr<SharedGeneration> shared)
    : max_entries_(std::max<std::size_t>(1, max_entries)),
      clock_(std::move(clock)),
      shared_(std::move(shared)),
      shared_seen_(shared_ ? shared_->load() : 0) {}

std::uint64_t MemoryResponseCache::generation_of(std::string_view scope) const {
  const auto it = generations_.find(std::string(scope));
  return it == generations_.end() ? floor_ : std::max(floor_, it->second.value);
}

void MemoryResponseCache::drop_everything() {
  lru_.clear();
  index_.clear();
  // Lookups made before now saw generations below the new floor: their put() is dropped.
  floor_ = ++last_generation_;
}

void MemoryResponseCache::follow_other_processes() {
  if (!shared_) return;
  const std::uint64_t now_shared = shared_->load();
  if (now_shared == shared_seen_) return;
  shared_seen_ = now_shared;
  drop_everything();
}

Result<CacheLookup> MemoryResponseCache::get(std::string_view scope, std::string_view key) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  follow_other_processes();
  CacheLookup out;
  out.generation = generation_of(scope);
  const auto it = index_.find(entry_key(scope, out.generation, key));
  if (it == index_.end()) return out;
  if (it->second->expires <= now) {
    lru_.erase(it->second);
    index_.erase(it);
    return out;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  out.hit = it->second->value;
  out.hit->ttl_remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(it->second->expires - now);
  return out;
}

Status MemoryResponseCache::put(std::string_view scope, std::string_view key,
                                std::uint64_t generation, const CachedResponse& entry,
                                std::chrono::milliseconds ttl) {
  const auto now = clock_();
  ttl = std::clamp(ttl, std::chrono::milliseconds(1), kMaxCacheTtl);
  std::lock_guard lock(mutex_);
  follow_other_processes();
  if (generation != generation_of(scope)) return ok();  // invalidated since the lookup
  std::string k = entry_key(scope, generation, key);
  if (const auto it = index_.find(k); it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front(Node{k, entry, now + ttl});
  lru_.front().value.ttl_remaining = ttl;
  index_.emplace(std::move(k), lru_.begin());
  while (lru_.size() > max_entries_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  return ok();
}

void MemoryResponseCache::forget_old_generations(store::Timestamp now) {
  // A scope's counter may restart at 0 once every entry and every lookup that saw an older
  // value is gone: entries live at most kMaxCacheTtl.
  std::erase_if(generations_,
                [now](const auto& g) { return g.second.changed + kMaxCacheTtl < now; });
}

Status MemoryResponseCache::invalidate(std::initializer_list<std::string_view> scopes) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  for (const auto s : scopes) generations_[std::string(s)] = Generation{++last_generation_, now};
  if (shared_) {
    // Tell other processes; a bump we did not make since our last look is theirs.
    const std::uint64_t before = shared_->bump();
    if (before != shared_seen_) drop_everything();
    shared_seen_ = before + 1;
  }
  if (++invalidations_since_sweep_ >= 1024) {
    invalidations_since_sweep_ = 0;
    forget_old_generations(now);
  }
  return ok();
}

void MemoryResponseCache::clear() {
  std::lock_guard lock(mutex_);
  lru_.clear();
  index_.clear();
}

std::size_t MemoryResponseCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace gatehouse::kv
