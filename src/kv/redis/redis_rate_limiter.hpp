#pragma once
// Fixed-window rate limiter in Redis, shared by every instance: one Lua script increments
// the window's counter and starts its expiry on the first hit, atomically (the limits
// library's Redis fixed window). The window is timed by Redis, so instances with slightly
// different clocks still count together. kUnavailable when Redis cannot be reached; wrap
// it in FailPolicyRateLimiter for RATE_LIMIT_FAIL_OPEN.
#include "kv/rate_limiter.hpp"
#include "kv/redis/redis_client.hpp"

namespace gatehouse::kv {

class RedisRateLimiter final : public RateLimiter {
 public:
  explicit RedisRateLimiter(RedisClient& redis);

  // RateLimiter
  Result<RateDecision> hit(const std::string& key, int limit, std::chrono::seconds period) override;
  // Deletes every counter under this client's key prefix (SCAN + UNLINK).
  void reset() override;

 private:
  RedisClient& redis_;
  std::string prefix_;  // <key_prefix>rl:
};

}  // namespace gatehouse::kv
