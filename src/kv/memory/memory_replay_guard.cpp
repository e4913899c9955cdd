#include "kv/memory/memory_replay_guard.hpp"

#include <algorithm>

namespace gatehouse::kv {

Result<bool> MemoryReplayGuard::first_use(std::string_view key, std::chrono::milliseconds ttl) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto [it, inserted] = seen_.try_emplace(std::string(key), store::Timestamp{});
  if (!inserted && it->second > now) return false;
  it->second = now + std::max(ttl, std::chrono::milliseconds(1));
  if (++inserts_since_sweep_ >= 1024) {
    inserts_since_sweep_ = 0;
    std::erase_if(seen_, [now](const auto& kv) { return kv.second <= now; });
  }
  return true;
}

}  // namespace gatehouse::kv
