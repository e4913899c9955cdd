#include "kv/redis/redis_replay_guard.hpp"

#include <algorithm>

#include "observability/standard_metrics.hpp"

namespace gatehouse::kv {

RedisReplayGuard::RedisReplayGuard(RedisClient& redis)
    : redis_(redis), prefix_(redis.options().key_prefix + "once:") {}

Result<bool> RedisReplayGuard::first_use(std::string_view key, std::chrono::milliseconds ttl) {
  const std::string ms = std::to_string(std::max<std::int64_t>(1, ttl.count()));
  auto r = redis_.command({"SET", prefix_ + std::string(key), "1", "NX", "PX", ms});
  if (!r) {
    if (r.error().is(ErrorCode::kUnavailable)) obs::count_shared_state_error("replay_guard");
    return r.error();
  }
  return !r->is_nil();  // "OK" when set, nil when the key was there
}

}  // namespace gatehouse::kv
