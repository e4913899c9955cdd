#pragma once
// Revocation list in Redis, shared by every instance: one key per revoked session
// (SET PX, expiring with the last token it affects).
//
// Completeness: Redis may lose data (a restart without persistence, a flush). A marker key
// holds the time the list was started; until it is `complete_after` old (the access-token
// lifetime) the list answers kUnknown instead of kNotRevoked, and it is recreated, with
// that wait, whenever it is found missing. While Redis cannot be reached the answer is
// kUnknown too; callers then read the database session row.
//
// A revocation that cannot be written is kept in this process (this instance refuses the
// session at once) and written at the next successful contact with Redis.
#include <functional>
#include <mutex>
#include <unordered_map>

#include "kv/redis/redis_client.hpp"
#include "kv/revocation_list.hpp"

namespace gatehouse::kv {

class RedisRevocationList final : public RevocationList {
 public:
  using Clock = std::function<store::Timestamp()>;
  RedisRevocationList(RedisClient& redis, std::chrono::milliseconds complete_after,
                      Clock clock = store::now_utc);

  // RevocationList
  void revoke_session(const std::string& sid, store::Timestamp until) override;
  Revocation session_status(const std::string& sid, store::Timestamp now) override;

  // Revocations waiting to be written (tests, metrics).
  std::size_t pending() const;

 private:
  Status write(const std::string& sid, store::Timestamp until);
  void flush_pending();

  RedisClient& redis_;
  std::chrono::milliseconds complete_after_;
  Clock clock_;
  std::string prefix_;  // <key_prefix>revoked:
  std::string marker_;  // <key_prefix>revocations:since

  mutable std::mutex mutex_;
  std::unordered_map<std::string, store::Timestamp> pending_;
};

}  // namespace gatehouse::kv
