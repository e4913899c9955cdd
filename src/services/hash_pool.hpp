#pragma once
// HashPool: password hashing and verification on their own bounded pool of threads (sized
// to the cores), so a login flood cannot take every handler worker, and a full queue
// answers 503 at once instead of queueing without bound (docs/http-api.md §3). The threads run at a
// lower scheduling priority than the I/O threads, so /heartbeat stays fast while hashes
// saturate the CPU. Every verification's duration goes to LoginTiming, which pads failed
// logins to the slowest kind of hash in use.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "crypto/password_hasher.hpp"
#include "services/login_timing.hpp"

namespace gatehouse::services {

class HashPool {
 public:
  using Clock = LoginTiming::Clock;

  // `threads` 0 means one per core; `queue_size` jobs may wait beyond the running ones.
  // `timing` (may be null) hears of every verification and must outlive the pool.
  HashPool(const crypto::PasswordHasher& hasher, int threads, int queue_size,
           LoginTiming* timing = nullptr);
  ~HashPool();
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  // Each blocks the caller until done; kUnavailable ("Server is busy, try again later",
  // Retry-After 1) when the queue is full. Safe for concurrent use. The verifications set
  // `*started` (when given) to the moment a pool thread began the work, after any wait in
  // the queue.
  Result<std::string> hash(std::string_view password);
  Result<bool> verify(std::string_view password, std::string_view encoded,
                      Clock::time_point* started = nullptr);
  // Verifies against the dummy hash: unknown users cost as much as wrong passwords.
  Status verify_dummy(std::string_view password, Clock::time_point* started = nullptr);

  // When a failed login whose verification started at `started` may answer (LoginTiming);
  // `started` itself without a LoginTiming.
  Clock::time_point failure_deadline(Clock::time_point started) const {
    return timing_ ? timing_->failure_deadline(started) : started;
  }

  const crypto::PasswordHasher& hasher() const { return hasher_; }

 private:
  Status run(std::function<void()> job);
  void worker();
  // Runs `verify` on the pool, timing it for LoginTiming under the kind of `encoded`.
  Status timed(std::string_view encoded, const std::function<void()>& verify,
               Clock::time_point* started);

  const crypto::PasswordHasher& hasher_;
  LoginTiming* timing_;
  std::size_t queue_size_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse::services
