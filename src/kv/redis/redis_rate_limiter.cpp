#include "kv/redis/redis_rate_limiter.hpp"

#include <algorithm>

namespace gatehouse::kv {

namespace {

// KEYS[1] counter; ARGV[1] period in ms. Returns {count, ms left in the window}. A counter
// without expiry (cannot happen through this script, but would never reset) gets one.
const RedisScript kHit(R"lua(
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
)lua");

}  // namespace

RedisRateLimiter::RedisRateLimiter(RedisClient& redis)
    : redis_(redis), prefix_(redis.options().key_prefix + "rl:") {}

Result<RateDecision> RedisRateLimiter::hit(const std::string& key, int limit,
                                           std::chrono::seconds period) {
  const std::int64_t p = std::max<std::int64_t>(1, period.count());
  const std::string counter = prefix_ + key + "|" + std::to_string(p);
  const std::string period_ms = std::to_string(p * 1000);
  auto r = redis_.eval(kHit, {counter}, {period_ms});
  if (!r) return r.error();
  if (r->elements.size() != 2) return Error::internal("redis: unexpected rate-limit reply");
  const long long count = r->elements[0].integer;
  const long long left_ms = r->elements[1].integer;
  RateDecision d;
  d.limit = limit;
  d.allowed = count <= limit;
  d.remaining = static_cast<int>(std::max<long long>(0, limit - count));
  // Whole seconds, rounded up, so a client waiting that long finds the window over.
  d.reset_seconds = static_cast<int>(std::clamp<long long>((left_ms + 999) / 1000, 1, p));
  d.retry_after_seconds = d.allowed ? 0 : d.reset_seconds;
  return d;
}

void RedisRateLimiter::reset() { (void)delete_keys_with_prefix(redis_, prefix_); }

}  // namespace gatehouse::kv
