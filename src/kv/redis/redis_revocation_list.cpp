#include "kv/redis/redis_revocation_list.hpp"

#include <charconv>

#include "observability/standard_metrics.hpp"

namespace gatehouse::kv {

namespace {

// Bound of the revocations kept while Redis is away; past it the oldest-expiring are
// dropped (the database session row still refuses them).
constexpr std::size_t kMaxPending = 100'000;

std::int64_t unix_ms(store::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

RedisRevocationList::RedisRevocationList(RedisClient& redis,
                                         std::chrono::milliseconds complete_after, Clock clock)
    : redis_(redis),
      complete_after_(complete_after),
      clock_(std::move(clock)),
      prefix_(redis.options().key_prefix + "revoked:"),
      marker_(redis.options().key_prefix + "revocations:since") {}

Status RedisRevocationList::write(const std::string& sid, store::Timestamp until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_());
  if (left.count() <= 0) return ok();
  auto r = redis_.command({"SET", prefix_ + sid, "1", "PX", std::to_string(left.count())});
  if (!r) return r.error();
  return ok();
}

void RedisRevocationList::flush_pending() {
  std::unordered_map<std::string, store::Timestamp> batch;
  {
    std::lock_guard lock(mutex_);
    if (pending_.empty()) return;
    batch.swap(pending_);
  }
  for (auto it = batch.begin(); it != batch.end();) {
    if (!write(it->first, it->second)) break;
    it = batch.erase(it);
  }
  if (batch.empty()) return;
  std::lock_guard lock(mutex_);
  for (auto& [sid, until] : batch) {
    auto& entry = pending_[sid];
    if (entry < until) entry = until;
  }
}

void RedisRevocationList::revoke_session(const std::string& sid, store::Timestamp until) {
  flush_pending();
  if (write(sid, until)) return;
  obs::count_shared_state_error("revocation");
  std::lock_guard lock(mutex_);
  if (pending_.size() >= kMaxPending) {
    const auto now = clock_();
    std::erase_if(pending_, [now](const auto& kv) { return kv.second <= now; });
    if (pending_.size() >= kMaxPending) return;
  }
  auto& entry = pending_[sid];
  if (entry < until) entry = until;
}

Revocation RedisRevocationList::session_status(const std::string& sid, store::Timestamp now) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = pending_.find(sid); it != pending_.end() && it->second > now) {
      return Revocation::kRevoked;
    }
  }
  flush_pending();
  auto r = redis_.command({"MGET", prefix_ + sid, marker_});
  if (!r || r->elements.size() != 2) {
    obs::count_shared_state_error("revocation");
    return Revocation::kUnknown;
  }
  if (!r->elements[0].is_nil()) return Revocation::kRevoked;
  const RedisReply& since = r->elements[1];
  if (since.is_nil()) {
    // A new or emptied Redis: start the wait for completeness now.
    (void)redis_.command({"SET", marker_, std::to_string(unix_ms(now)), "NX"});
    return Revocation::kUnknown;
  }
  std::int64_t since_ms = 0;
  const auto [end, ec] =
      std::from_chars(since.str.data(), since.str.data() + since.str.size(), since_ms);
  if (ec != std::errc() || end != since.str.data() + since.str.size()) return Revocation::kUnknown;
  return unix_ms(now) - since_ms >= complete_after_.count() ? Revocation::kNotRevoked
                                                            : Revocation::kUnknown;
}

std::size_t RedisRevocationList::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace gatehouse::kv
