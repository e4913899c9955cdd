#pragma once
// ResponseCache: rendered answers of cached GET routes (docs/http-api.md §10),
// each filed under a scope that one mutation invalidates at once, e.g. every entry that
// shows user 42 lives in scope cache_scope::user(42). Implementations: kv/memory (one
// process, LRU bounded by CACHE_MAX_ENTRIES) and kv/redis (shared by every instance).
// Safe for concurrent use.
//
// Invalidation bumps a per-scope generation that is part of every entry's key, so it costs
// one write whatever the number of entries; old entries are never read again and expire.
// A lookup returns the generation it saw and put() stores only under that generation, so
// an answer computed before an invalidation is never filed after it:
//
//   auto found = cache.get(scope, key);                 // miss: found->generation = g
//   ... read the database, render ...
//   cache.put(scope, key, found->generation, entry, ttl);  // dropped if scope moved past g
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::kv {

struct CachedResponse {
  std::string body;
  std::string etag;
  std::string content_type;
  std::chrono::milliseconds ttl_remaining{0};  // set by get(): for Cache-Control: max-age
};

struct CacheLookup {
  std::optional<CachedResponse> hit;  // nullopt: a miss
  std::uint64_t generation = 0;       // of the scope at lookup time; pass it to put()
};

// The longest TTL a cache entry may have; longer ones are shortened to it.
inline constexpr std::chrono::milliseconds kMaxCacheTtl = std::chrono::hours(24);

class ResponseCache {
 public:
  virtual ~ResponseCache() = default;

  // Looks up `key` in `scope`. kUnavailable when the store cannot be reached (callers
  // then serve without the cache).
  virtual Result<CacheLookup> get(std::string_view scope, std::string_view key) = 0;

  // Files `entry` (its ttl_remaining is ignored) for `ttl` (>= 1 ms, at most kMaxCacheTtl)
  // if `scope` is still at `generation`; otherwise does nothing. kUnavailable when the
  // store cannot be reached.
  virtual Status put(std::string_view scope, std::string_view key, std::uint64_t generation,
                     const CachedResponse& entry, std::chrono::milliseconds ttl) = 0;

  // Makes every entry of each scope unreachable, in one round trip.
  // kUnavailable when the store cannot be reached: the entries then live until their TTL.
  virtual Status invalidate(std::initializer_list<std::string_view> scopes) = 0;

  // Forgets everything (tests, CLI).
  virtual void clear() = 0;
};

using ResponseCachePtr = std::unique_ptr<ResponseCache>;

// The scope names, in one place, so no invalidation misses one. A mutation of user `id` invalidates
// {user(id), users_list()}; of an API key of `owner`, {api_keys(owner)}.
namespace cache_scope {
inline std::string user(std::int64_t id) { return "user:" + std::to_string(id); }
inline std::string api_keys(std::int64_t owner) { return "apikeys:" + std::to_string(owner); }
inline constexpr std::string_view kUsersList = "users:list";
}  // namespace cache_scope

}  // namespace gatehouse::kv
