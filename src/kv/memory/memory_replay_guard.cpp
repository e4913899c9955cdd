#include "kv/memory/memory_replay_guard.hpp"

#include <algorithm>

namespace gatehouse::kv {

Result<bool> MemoryReplayGuard::first_use(std::string_view key, std::chrono::milliseconds ttl) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto [it, inserted] = seen_.try_emplace(std::string(key), store::Timestamp{});
  if (!inserted && it->second > now) return false;
  it->second = now + std::max(ttl, std::chrono::milliseconds(1));
  // A sweep visits every key, so it waits for as many new keys as half the map holds: each
  // insertion pays for a few visits however large the map grows (a fixed interval made every
  // insertion pay for hundreds at a few thousand codes per second).
  if (++inserts_since_sweep_ >= std::max<std::size_t>(kMinSweepInterval, seen_.size() / 2)) {
    inserts_since_sweep_ = 0;
    std::erase_if(seen_, [now](const auto& kv) { return kv.second <= now; });
  }
  return true;
}

}  // namespace gatehouse::kv
