#pragma once
// Response cache in Redis, shared by every instance. Per scope, a generation counter
// (<prefix>cache:gen:<scope>) is part of every entry's key (<prefix>cache:<scope>:<gen>:<key>,
// a hash of body, ETag and content type with PEXPIRE); get and put are one script each,
// invalidate one script for all the scopes given. Needs a single Redis (not Redis Cluster):
// the scripts build entry keys from the generation they read.
#include "kv/redis/redis_client.hpp"
#include "kv/response_cache.hpp"

namespace gatehouse::kv {

class RedisResponseCache final : public ResponseCache {
 public:
  explicit RedisResponseCache(RedisClient& redis);

  // ResponseCache
  Result<CacheLookup> get(std::string_view scope, std::string_view key) override;
  Status put(std::string_view scope, std::string_view key, std::uint64_t generation,
             const CachedResponse& entry, std::chrono::milliseconds ttl) override;
  Status invalidate(std::initializer_list<std::string_view> scopes) override;
  void clear() override;

 private:
  template <class T>
  Result<T> counted(Result<T> r);

  RedisClient& redis_;
  std::string prefix_;  // <key_prefix>cache:
};

}  // namespace gatehouse::kv
