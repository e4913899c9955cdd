#include "services/housekeeping.hpp"

#include "observability/log.hpp"

namespace gatehouse::services {

Housekeeping::Housekeeping(store::Database& db, Clock clock, std::chrono::hours audit_retention)
    : db_(db), clock_(std::move(clock)), audit_retention_(audit_retention) {}

Housekeeping::~Housekeeping() { stop(); }

Result<std::int64_t> Housekeeping::run_once() {
  const store::Timestamp before = clock_() - kPurgeMargin;
  auto tokens = db_.used_tokens().purge_expired(before);
  if (!tokens) return tokens.error();
  auto challenges = db_.mfa().purge_expired_challenges(before);
  if (!challenges) return challenges.error();
  std::int64_t audit = 0;
  if (audit_retention_.count() > 0) {
    const store::Timestamp cutoff = clock_() - audit_retention_;
    for (;;) {
      auto purged = db_.audit().purge_before(cutoff, kAuditPurgeBatch);
      if (!purged) return purged.error();
      audit += *purged;
      if (*purged < kAuditPurgeBatch) break;
    }
    for (;;) {
      auto purged = db_.outbox().purge_finished(cutoff, kAuditPurgeBatch);
      if (!purged) return purged.error();
      audit += *purged;
      if (*purged < kAuditPurgeBatch) break;
    }
  }
  return *tokens + *challenges + audit;
}

void Housekeeping::start(std::chrono::seconds interval) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, interval] {
    std::unique_lock guard(mutex_);
    while (!wake_.wait_for(guard, interval, [this] { return stopping_; })) {
      guard.unlock();
      auto purged = run_once();
      if (!purged) {
        obs::warning(obs::Category::kDatabase, "Housekeeping failed (retried later): {}",
                     purged.error().cause);
      } else if (*purged > 0) {
        obs::info(obs::Category::kDatabase, "Housekeeping deleted {} expired token and audit rows",
                  *purged);
      }
      guard.lock();
    }
  });
}

void Housekeeping::stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  thread.join();
}

}  // namespace gatehouse::services
