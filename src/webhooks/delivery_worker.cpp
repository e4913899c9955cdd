#include "webhooks/delivery_worker.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <exception>

#include "observability/log.hpp"
#include "observability/standard_metrics.hpp"
#include "observability/trace_context.hpp"
#include "webhooks/signature.hpp"

namespace gatehouse::webhooks {

std::optional<Delivery> read_delivery(std::string_view payload) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(payload, ec);
  const boost::json::object* object = ec ? nullptr : parsed.if_object();
  const boost::json::value* body = object != nullptr ? object->if_contains("body") : nullptr;
  if (body == nullptr || !body->is_string()) return std::nullopt;
  Delivery delivery;
  delivery.body = std::string(body->get_string());
  const auto text = [&](std::string_view key) -> std::string {
    const boost::json::value* v = object->if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  // Printable ASCII only: it goes out as a header value.
  delivery.id = text("id");
  for (const char c : delivery.id) {
    if (c <= ' ' || c > '~') return std::nullopt;
  }
  // Checked by parsing what it would send: a bad stored id must not go out.
  std::string traceparent = obs::outgoing_traceparent(text("trace_id"), text("trace_flags"));
  delivery.traceparent = obs::parse_traceparent(traceparent)
                             ? std::move(traceparent)
                             : obs::outgoing_traceparent(obs::new_trace_id());
  return delivery;
}

DeliveryWorkerOptions delivery_worker_options(const config::WebhookSettings& settings) {
  DeliveryWorkerOptions o;
  o.lease = std::chrono::seconds(settings.timeout_seconds) + std::chrono::seconds(60);
  return o;
}

DeliveryWorker::DeliveryWorker(store::OutboxRepository& outbox, WebhookPoster& poster,
                               std::vector<std::string> endpoints, std::string key,
                               RetrySchedule schedule, Clock clock, DeliveryWorkerOptions options)
    : outbox_(outbox),
      poster_(poster),
      endpoints_(std::move(endpoints)),
      key_(std::move(key)),
      schedule_(std::move(schedule)),
      clock_(std::move(clock)),
      options_(options) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty()) return;
  stop_requested_ = false;
  for (const std::string& endpoint : endpoints_) {
    threads_.emplace_back([this, &endpoint] { run(endpoint); });
  }
}

void DeliveryWorker::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
    threads = std::move(threads_);
    threads_.clear();
  }
  wake_.notify_all();
  for (std::thread& t : threads) t.join();
}

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

bool DeliveryWorker::stopping() const {
  std::lock_guard lock(mutex_);
  return stop_requested_;
}

void DeliveryWorker::run(const std::string& endpoint) {
  while (true) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(mutex_);
      if (stop_requested_) return;
      seen = wakes_;
    }
    try {
      // One delivery done: the next one may be due already.
      if (run_once(endpoint)) continue;
    } catch (const std::exception& e) {
      obs::error(obs::Category::kWebhooks, "Webhook worker for {}: unexpected error: {}",
                 endpoint_host(endpoint), e.what());
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [&] { return stop_requested_ || wakes_ != seen; });
  }
}

bool DeliveryWorker::run_once(const std::string& endpoint) {
  auto claimed = outbox_.claim_webhook(endpoint, clock_(), options_.lease);
  if (!claimed) {
    obs::error(obs::Category::kWebhooks, "Webhook claim for {} failed: {}", endpoint_host(endpoint),
               claimed.error().cause);
    return false;
  }
  if (!*claimed) return false;
  deliver(endpoint, **claimed);
  return true;
}

void DeliveryWorker::deliver(const std::string& endpoint, const store::OutboxMessage& message) {
  std::string id = message_id(message.id);
  const std::string host = endpoint_host(endpoint);
  std::optional<Delivery> delivery = read_delivery(message.payload);
  if (delivery && !delivery->id.empty()) id = delivery->id;
  if (!delivery) {
    obs::count_webhook_delivery("failed");
    obs::error(obs::Category::kWebhooks,
               "Webhook {} to {}: the stored payload is not a delivery; giving up", id, host);
    record(message.id, "stored payload is not a delivery", std::nullopt);
    return;
  }
  const std::int64_t timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
  PostRequest request;
  request.url = endpoint;
  request.headers = {
      {"content-type", "application/json"},
      {"webhook-id", id},
      {"webhook-timestamp", std::to_string(timestamp)},
      {"webhook-signature", sign(key_, id, timestamp, delivery->body)},
      {"user-agent", "Gatehouse-Webhooks"},
      {"traceparent", std::move(delivery->traceparent)},
  };
  request.body = std::move(delivery->body);
  const PostResult result = poster_.post(request);

  if (result.delivered()) {
    obs::count_webhook_delivery("delivered");
    obs::debug(obs::Category::kWebhooks, "Webhook {} to {} delivered (HTTP {})", id, host,
               result.status);
    if (auto s = outbox_.mark_sent(message.id, clock_()); !s) {
      // It arrived; at worst it is sent again after the lease (at least once).
      obs::error(obs::Category::kWebhooks, "Webhook {} delivered but not marked sent: {}", id,
                 s.error().cause);
    }
    return;
  }

  const int failures = message.attempts + 1;
  const std::optional<std::chrono::seconds> retry_after =
      honours_retry_after(result.status) ? result.retry_after : std::nullopt;
  const std::optional<store::Timestamp> retry_at =
      schedule_.next_attempt(failures, message.created_at, clock_(), retry_after);
  const std::string what = result.describe();
  if (retry_at) {
    obs::count_webhook_delivery("retried");
    obs::warning(obs::Category::kWebhooks, "Webhook {} to {} failed (attempt {}): {}; retry at {}",
                 id, host, failures, what, store::format_iso8601(*retry_at));
  } else {
    obs::count_webhook_delivery("failed");
    obs::error(obs::Category::kWebhooks,
               "Webhook {} to {} failed (attempt {}): {}; giving up (`gatehouse webhooks retry` "
               "sends it again)",
               id, host, failures, what);
  }
  record(message.id, what, retry_at);
}

void DeliveryWorker::record(std::int64_t id, const std::string& error,
                            std::optional<store::Timestamp> retry_at) {
  if (auto s = outbox_.mark_failed(id, error, retry_at); !s) {
    obs::error(obs::Category::kWebhooks, "Webhook {} failure not recorded: {}", message_id(id),
               s.error().cause);
  }
}

}  // namespace gatehouse::webhooks
