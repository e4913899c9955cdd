#include "kv/retrying_response_cache.hpp"

#include <vector>

namespace gatehouse::kv {

RetryingResponseCache::RetryingResponseCache(ResponseCachePtr inner) : inner_(std::move(inner)) {}

Status RetryingResponseCache::flush() {
  if (!has_pending_.load(std::memory_order_acquire)) return ok();
  std::lock_guard lock(mutex_);
  while (!pending_.empty()) {
    const std::string scope = *pending_.begin();
    if (Status s = inner_->invalidate({scope}); !s) return s;
    pending_.erase(pending_.begin());
  }
  has_pending_.store(false, std::memory_order_release);
  return ok();
}

Result<CacheLookup> RetryingResponseCache::get(std::string_view scope, std::string_view key) {
  if (Status s = flush(); !s) return s.error();
  return inner_->get(scope, key);
}

Status RetryingResponseCache::put(std::string_view scope, std::string_view key,
                                  std::uint64_t generation, const CachedResponse& entry,
                                  std::chrono::milliseconds ttl) {
  if (Status s = flush(); !s) return s;
  return inner_->put(scope, key, generation, entry, ttl);
}

Status RetryingResponseCache::invalidate(std::initializer_list<std::string_view> scopes) {
  Status s = flush();
  if (s) s = inner_->invalidate(scopes);
  if (s) return s;
  std::lock_guard lock(mutex_);
  for (const auto scope : scopes) pending_.emplace(scope);
  has_pending_.store(true, std::memory_order_release);
  return s;
}

void RetryingResponseCache::clear() {
  {
    std::lock_guard lock(mutex_);
    pending_.clear();
    has_pending_.store(false, std::memory_order_release);
  }
  inner_->clear();
}

std::size_t RetryingResponseCache::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace gatehouse::kv
