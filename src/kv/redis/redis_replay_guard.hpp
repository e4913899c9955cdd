#pragma once
// Replay guard in Redis (SET NX PX), shared by every instance.
#include "kv/redis/redis_client.hpp"
#include "kv/replay_guard.hpp"

namespace gatehouse::kv {

class RedisReplayGuard final : public ReplayGuard {
 public:
  explicit RedisReplayGuard(RedisClient& redis);

  // ReplayGuard
  Result<bool> first_use(std::string_view key, std::chrono::milliseconds ttl) override;

 private:
  RedisClient& redis_;
  std::string prefix_;  // <key_prefix>once:
};

}  // namespace gatehouse::kv
