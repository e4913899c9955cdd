#pragma once
// DeliveryWorker: the background delivery of webhooks (docs/audit-and-webhooks.md).
//
// One thread per endpoint of WEBHOOK_URLS, each looping over claim_webhook(endpoint, now,
// lease) → POST → record (counted in …_webhook_deliveries_total{status}):
//   2xx                          mark_sent                 delivered
//   anything else, retry left    mark_failed(retry time)   retried
//   anything else, window over   mark_failed(nullopt)      failed
// (RetrySchedule: WEBHOOK_RETRY_DELAYS, Retry-After of a 429/503, WEBHOOK_GIVE_UP_HOURS.)
// A thread per endpoint keeps endpoints apart: a slow or dead one holds up only its own
// thread, for at most the post timeout per attempt, while the claim's order (the oldest
// undelivered delivery first, none after it while it waits for a retry) keeps each endpoint's
// events in order. Endpoints are few (a comma list in the settings), so the threads are too.
//
// Each POST carries the row's body as is, content-type: application/json, webhook-id:
// msg_<outbox id> (the same on every retry), webhook-timestamp (Unix seconds, now),
// webhook-signature (signature.hpp), user-agent: Gatehouse-Webhooks and a traceparent that
// continues the trace of the request that caused the event (a fresh trace without one).
// A row whose payload is not a delivery (read_delivery) is given up at once.
//
// Delivery is at least once: a crash or a lost answer after the receiver got the POST sends it
// again once the lease (longer than the post timeout) ends; receivers drop duplicates by
// webhook-id. Several instances may run workers: the claim's lease keeps them apart.
// Failures are logged (WEBHOOKS category) with the endpoint's host and the status or
// transport error; never the secret, the URL's path or the body.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/settings.hpp"
#include "store/outbox_repository.hpp"
#include "webhooks/clock.hpp"
#include "webhooks/retry_schedule.hpp"
#include "webhooks/webhook_poster.hpp"

namespace gatehouse::webhooks {

struct DeliveryWorkerOptions {
  // How often an idle endpoint looks for deliveries that became due (retries).
  std::chrono::milliseconds poll_interval{1000};
  // How long a claimed delivery is held; must exceed the post timeout.
  std::chrono::seconds lease{70};
};

// What a webhook row of the outbox holds (services::AuditLog::delivery_payload):
// {"id": "msg_<uuid>", "body": "<the text to POST>", "trace_id": "<32 hex>",
// "trace_flags": "<2 hex>"}, the trace fields absent outside a request.
struct Delivery {
  // The webhook-id: the stored one (unique across databases and installations, so a
  // receiver's de-duplication never drops a real event); empty when the row has none.
  std::string id;
  std::string body;
  std::string
      traceparent;  // continues trace_id (a new span id); a fresh trace when absent or invalid
};
// nullopt when `payload` is not a JSON object with a string "body".
std::optional<Delivery> read_delivery(std::string_view payload);

// Lease = WEBHOOK_TIMEOUT_SECONDS + 60 s.
DeliveryWorkerOptions delivery_worker_options(const config::WebhookSettings& settings);

class DeliveryWorker {
 public:
  // `outbox` and `poster` must outlive the worker. `key`: the HMAC key bytes
  // (parse_secret of WEBHOOK_SECRET). `endpoints`: WEBHOOK_URLS.
  DeliveryWorker(store::OutboxRepository& outbox, WebhookPoster& poster,
                 std::vector<std::string> endpoints, std::string key, RetrySchedule schedule,
                 Clock clock = store::now_utc, DeliveryWorkerOptions options = {});
  ~DeliveryWorker();  // stop()
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Starts one thread per endpoint; no-op when running.
  void start();
  // Asks the threads to finish and joins them. Returns once each has finished the POST it may
  // be in (bounded by the post timeout); a delivery claimed but not tried is taken again when
  // its lease ends. Idempotent; safe from any thread but the workers'.
  void stop();
  // Wakes every endpoint's thread to look for new deliveries (call after an enqueue). Cheap;
  // any thread.
  void wake();

  // One step for `endpoint` on the calling thread: claims its next due delivery and tries it.
  // Returns whether one was claimed (false also when the claim failed: that is logged). The
  // threads call this; tests call it directly with a fake clock.
  bool run_once(const std::string& endpoint);

  const std::vector<std::string>& endpoints() const { return endpoints_; }

 private:
  void run(const std::string& endpoint);
  void deliver(const std::string& endpoint, const store::OutboxMessage& message);
  // mark_failed, logging a failure to record it.
  void record(std::int64_t id, const std::string& error, std::optional<store::Timestamp> retry_at);
  bool stopping() const;

  store::OutboxRepository& outbox_;
  WebhookPoster& poster_;
  std::vector<std::string> endpoints_;
  std::string key_;
  RetrySchedule schedule_;
  Clock clock_;
  DeliveryWorkerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;
  std::uint64_t wakes_ = 0;  // bumped by wake(): each thread compares with what it last saw
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse::webhooks
