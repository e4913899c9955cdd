#include "kv/redis/redis_response_cache.hpp"

#include <algorithm>
#include <charconv>

#include "observability/standard_metrics.hpp"

namespace gatehouse::kv {

namespace {

// A generation counter outlives every entry filed under it, so a counter that expired can
// restart at 0 without reviving anything.
constexpr std::chrono::milliseconds kGenerationTtl = 2 * kMaxCacheTtl;

// KEYS[1] generation; ARGV[1] entry prefix "<prefix>cache:<scope>", ARGV[2] key.
// Returns {gen} on a miss, {gen, body, etag, content type, ms left} on a hit.
const RedisScript kGet(R"lua(
local g = redis.call('GET', KEYS[1]) or '0'
local k = ARGV[1] .. ':' .. g .. ':' .. ARGV[2]
local v = redis.call('HMGET', k, 'b', 'e', 't')
if not v[1] then return {g} end
return {g, v[1], v[2] or '', v[3] or '', redis.call('PTTL', k)}
)lua");

// KEYS[1] generation; ARGV: generation seen, entry prefix, key, body, etag, type, ttl ms.
const RedisScript kPut(R"lua(
local g = redis.call('GET', KEYS[1]) or '0'
if g ~= ARGV[1] then return 0 end
local k = ARGV[2] .. ':' .. g .. ':' .. ARGV[3]
redis.call('HSET', k, 'b', ARGV[4], 'e', ARGV[5], 't', ARGV[6])
redis.call('PEXPIRE', k, ARGV[7])
return 1
)lua");

// KEYS: generations; ARGV[1] their expiry in ms.
const RedisScript kInvalidate(R"lua(
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, ARGV[1])
end
return #KEYS
)lua");

std::uint64_t parse_generation(const std::string& s) {
  std::uint64_t g = 0;
  std::from_chars(s.data(), s.data() + s.size(), g);
  return g;
}

}  // namespace

RedisResponseCache::RedisResponseCache(RedisClient& redis)
    : redis_(redis), prefix_(redis.options().key_prefix + "cache:") {}

template <class T>
Result<T> RedisResponseCache::counted(Result<T> r) {
  if (!r && r.error().is(ErrorCode::kUnavailable)) obs::count_shared_state_error("cache");
  return r;
}

Result<CacheLookup> RedisResponseCache::get(std::string_view scope, std::string_view key) {
  const std::string gen_key = prefix_ + "gen:" + std::string(scope);
  const std::string entry_prefix = prefix_ + std::string(scope);
  auto r = counted(redis_.eval(kGet, {gen_key}, {entry_prefix, key}));
  if (!r) return r.error();
  const auto& e = r->elements;
  if (e.empty()) return Error::internal("redis: unexpected cache reply");
  CacheLookup out;
  out.generation = parse_generation(e[0].str);
  if (e.size() == 5) {
    CachedResponse hit;
    hit.body = e[1].str;
    hit.etag = e[2].str;
    hit.content_type = e[3].str;
    hit.ttl_remaining = std::chrono::milliseconds(std::max<long long>(0, e[4].integer));
    out.hit = std::move(hit);
  }
  return out;
}

Status RedisResponseCache::put(std::string_view scope, std::string_view key,
                               std::uint64_t generation, const CachedResponse& entry,
                               std::chrono::milliseconds ttl) {
  const std::string gen_key = prefix_ + "gen:" + std::string(scope);
  const std::string entry_prefix = prefix_ + std::string(scope);
  const std::string gen = std::to_string(generation);
  const std::string ms =
      std::to_string(std::clamp(ttl, std::chrono::milliseconds(1), kMaxCacheTtl).count());
  auto r = counted(redis_.eval(
      kPut, {gen_key}, {gen, entry_prefix, key, entry.body, entry.etag, entry.content_type, ms}));
  if (!r) return r.error();
  return ok();
}

Status RedisResponseCache::invalidate(std::initializer_list<std::string_view> scopes) {
  if (scopes.size() == 0) return ok();
  std::vector<std::string> keys;
  keys.reserve(scopes.size());
  for (const auto s : scopes) keys.push_back(prefix_ + "gen:" + std::string(s));
  const std::vector<std::string_view> views(keys.begin(), keys.end());
  const std::string ttl = std::to_string(kGenerationTtl.count());
  auto r = counted(redis_.eval(kInvalidate, views, {ttl}));
  if (!r) return r.error();
  return ok();
}

void RedisResponseCache::clear() { (void)delete_keys_with_prefix(redis_, prefix_); }

}  // namespace gatehouse::kv
