#pragma once
// RateLimiter: fixed-window counters, as the reference's slowapi/limits "fixed window"
// strategy. Implementations: kv/memory (one process) and kv/redis (every instance counts
// together); FailPolicyRateLimiter decides what an unreachable store means. Safe for
// concurrent use.
#include <chrono>
#include <memory>
#include <string>

#include "core/result.hpp"

namespace gatehouse::kv {

struct RateDecision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;            // after this hit, never negative
  int reset_seconds = 0;        // until the window ends (>= 1)
  int retry_after_seconds = 0;  // when refused: seconds until a request would pass (>= 1)
  // false when no counter stands behind this decision: the backing store was down and the
  // limiter fails open (FailPolicyRateLimiter). Callers then send no RateLimit-* headers.
  bool enforced = true;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Counts one hit on `key` in a window of `period` allowing `limit` hits, and says whether
  // it is allowed. Every hit counts, refused ones included (the reference counts failed
  // logins). kUnavailable when the backing store cannot be reached.
  virtual Result<RateDecision> hit(const std::string& key, int limit,
                                   std::chrono::seconds period) = 0;

  // Forgets every counter (tests, CLI).
  virtual void reset() = 0;
};

using RateLimiterPtr = std::unique_ptr<RateLimiter>;

}  // namespace gatehouse::kv
