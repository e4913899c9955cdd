#pragma once
// OutboxWorker: the background thread that delivers queued emails (docs/http-api.md §11).
//
// Every poll_interval (or at once after notify()) it claims up to batch_size "email"
// messages with a lease, sends each with the MailSender and records the outcome:
//   sent                       mark_sent                      …_emails_total{status="sent"}
//   failed, retry left         mark_failed(retry_at)          …_emails_total{status="retried"}
//   failed, no retry left or   mark_failed(nullopt)           …_emails_total{status="failed"}
//   never sendable (bad payload or address)
// Retries follow retry_delay() until give_up_after (24 h) from the message's creation.
// Delivery is at least once: a crash between send and mark_sent sends again after the
// lease. Failures are logged (EMAIL category) with the recipient and cause, never the body.
//
// Several workers (threads or instances) may share an outbox: the lease keeps them apart.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>

#include "mail/clock.hpp"
#include "mail/mail_sender.hpp"
#include "store/outbox_repository.hpp"

namespace gatehouse::mail {

struct OutboxWorkerOptions {
  std::chrono::milliseconds poll_interval{500};
  int batch_size = 20;
  std::chrono::seconds lease{60};
  std::chrono::hours give_up_after{24};
};

// Delay before the next try after `failures` failed attempts (1-based): 5 s, 30 s, 2 min,
// 10 min, 30 min, then 1 h.
std::chrono::seconds retry_delay(int failures);

// now + retry_delay(failures), or nullopt when that is later than created_at + give_up_after.
std::optional<store::Timestamp> next_retry_at(
    int failures, store::Timestamp created_at, store::Timestamp now,
    std::chrono::hours give_up_after = std::chrono::hours(24));

class OutboxWorker {
 public:
  // `outbox` and `sender` must outlive the worker.
  OutboxWorker(store::OutboxRepository& outbox, MailSender& sender, Clock clock = store::now_utc,
               OutboxWorkerOptions options = {});
  ~OutboxWorker();  // stop()
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Starts the thread; no-op when running.
  void start();
  // Asks the thread to finish and joins it. Returns within about a second unless a send is
  // in flight (an SMTP exchange is bounded by its timeouts); messages claimed but not yet
  // tried are taken again when their lease ends. Idempotent; safe from any thread but the
  // worker's own.
  void stop();
  // Wakes the thread for an immediate poll (after an enqueue). Cheap; any thread.
  void notify();

  // One poll on the calling thread: claims one batch and delivers it. Returns how many
  // messages were claimed (0 also when the claim failed; that is logged). The thread calls
  // this; tests call it directly with a fake clock.
  std::size_t run_once();

 private:
  void run();
  void deliver(const store::OutboxMessage& message);
  void record_failure(const store::OutboxMessage& message, const std::string& to,
                      const std::string& cause, bool permanent);
  bool stopping() const;

  store::OutboxRepository& outbox_;
  MailSender& sender_;
  Clock clock_;
  OutboxWorkerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;
  bool notified_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::mail
