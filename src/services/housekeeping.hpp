#pragma once
// Housekeeping: deletes bookkeeping rows nothing can use any more, so tables that grow with
// every sign-in do not grow without bound: spent single-use tokens (`used_tokens`) and the
// state of mfa_tokens (`mfa_challenges`), once the token they describe has expired. A token
// is refused by its signature's `exp` from then on, so its row decides nothing. Runs on its
// own thread every few minutes; on several instances each one purges, which is harmless.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/result.hpp"
#include "services/clock.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

// Rows are kept this long past their token's expiry: clocks of several instances may
// disagree a little, and a purged row of a token some instance still accepts would let it
// be used again. Audit events older than AUDIT_RETENTION_DAYS go too, and so do delivered or
// given-up outbox rows (emails, webhook deliveries) as old: their bodies carry the same data.
inline constexpr auto kPurgeMargin = std::chrono::hours(1);

// Audit events past AUDIT_RETENTION_DAYS are deleted this many at a time, so retention never
// holds the write lock (SQLite) or a long transaction for long.
inline constexpr std::int64_t kAuditPurgeBatch = 5000;

class Housekeeping {
 public:
  // `audit_retention`: how long audit events are kept (zero: forever).
  Housekeeping(store::Database& db, Clock clock,
               std::chrono::hours audit_retention = std::chrono::hours(0));
  ~Housekeeping();  // stop()
  Housekeeping(const Housekeeping&) = delete;
  Housekeeping& operator=(const Housekeeping&) = delete;

  // One pass; returns how many rows it deleted.
  Result<std::int64_t> run_once();

  // run_once() every `interval` on a background thread until stop().
  void start(std::chrono::seconds interval);
  void stop();

 private:
  store::Database& db_;
  Clock clock_;
  std::chrono::hours audit_retention_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::services
