#pragma once
// In-process replay guard (one instance). Expired keys are swept after at least 1024
// insertions and at least half as many insertions as keys held (amortised O(1) per call).
#include <functional>
#include <mutex>
#include <unordered_map>

#include "kv/replay_guard.hpp"
#include "store/time.hpp"

namespace gatehouse::kv {

class MemoryReplayGuard final : public ReplayGuard {
 public:
  using Clock = std::function<store::Timestamp()>;
  explicit MemoryReplayGuard(Clock clock = store::now_utc) : clock_(std::move(clock)) {}

  // ReplayGuard
  Result<bool> first_use(std::string_view key, std::chrono::milliseconds ttl) override;

 private:
  static constexpr std::size_t kMinSweepInterval = 1024;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, store::Timestamp> seen_;  // key -> forgotten at
  std::size_t inserts_since_sweep_ = 0;
};

}  // namespace gatehouse::kv
