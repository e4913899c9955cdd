#pragma once
// In-process fixed-window rate limiter. Windows are aligned to multiples of the period
// since the epoch, like the limits library's fixed-window strategy; memory is bounded by
// dropping windows that ended.
#include <functional>
#include <mutex>
#include <unordered_map>

#include "kv/rate_limiter.hpp"
#include "store/time.hpp"

namespace gatehouse::kv {

class MemoryRateLimiter final : public RateLimiter {
 public:
  using Clock = std::function<store::Timestamp()>;
  explicit MemoryRateLimiter(Clock clock = store::now_utc);

  // RateLimiter
  Result<RateDecision> hit(const std::string& key, int limit, std::chrono::seconds period) override;
  void reset() override;

 private:
  struct Window {
    std::int64_t start = 0;  // seconds since epoch
    std::int64_t end = 0;
    int count = 0;
  };
  void sweep(std::int64_t now);

  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  std::int64_t next_sweep_ = 0;
};

}  // namespace gatehouse::kv
