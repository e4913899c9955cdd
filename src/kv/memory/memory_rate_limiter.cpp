#include "kv/memory/memory_rate_limiter.hpp"

#include <algorithm>

namespace gatehouse::kv {

MemoryRateLimiter::MemoryRateLimiter(Clock clock) : clock_(std::move(clock)) {}

void MemoryRateLimiter::sweep(std::int64_t now) {
  if (now < next_sweep_) return;
  std::erase_if(windows_, [now](const auto& kv) { return kv.second.end <= now; });
  next_sweep_ = now + 60;
}

Result<RateDecision> MemoryRateLimiter::hit(const std::string& key, int limit,
                                            std::chrono::seconds period) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
  const std::int64_t p = std::max<std::int64_t>(1, period.count());
  const std::int64_t start = now - (now % p);
  std::lock_guard lock(mutex_);
  sweep(now);
  Window& w = windows_[key + "|" + std::to_string(p)];
  if (w.start != start || w.end <= now) w = Window{start, start + p, 0};
  ++w.count;
  RateDecision d;
  d.limit = limit;
  d.allowed = w.count <= limit;
  d.remaining = std::max(0, limit - w.count);
  d.reset_seconds = static_cast<int>(std::max<std::int64_t>(1, w.end - now));
  d.retry_after_seconds = d.allowed ? 0 : d.reset_seconds;
  return d;
}

void MemoryRateLimiter::reset() {
  std::lock_guard lock(mutex_);
  windows_.clear();
}

}  // namespace gatehouse::kv
