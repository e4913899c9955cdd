#include "mail/outbox_worker.hpp"

#include <array>
#include <exception>

#include "mail/message.hpp"
#include "observability/log.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::mail {

namespace {

constexpr std::array<std::chrono::seconds, 5> kBackoff{
    std::chrono::seconds(5), std::chrono::seconds(30), std::chrono::minutes(2),
    std::chrono::minutes(10), std::chrono::minutes(30)};
constexpr std::chrono::seconds kLastDelay = std::chrono::hours(1);

}  // namespace

std::chrono::seconds retry_delay(int failures) {
  if (failures < 1) failures = 1;
  const auto index = static_cast<std::size_t>(failures - 1);
  return index < kBackoff.size() ? kBackoff[index] : kLastDelay;
}

std::optional<store::Timestamp> next_retry_at(int failures, store::Timestamp created_at,
                                              store::Timestamp now,
                                              std::chrono::hours give_up_after) {
  const store::Timestamp at = now + retry_delay(failures);
  if (at > created_at + give_up_after) return std::nullopt;
  return at;
}

OutboxWorker::OutboxWorker(store::OutboxRepository& outbox, MailSender& sender, Clock clock,
                           OutboxWorkerOptions options)
    : outbox_(outbox), sender_(sender), clock_(std::move(clock)), options_(options) {}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_requested_ = false;
  thread_ = std::thread([this] { run(); });
}

void OutboxWorker::stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stop_requested_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  thread.join();
}

void OutboxWorker::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

bool OutboxWorker::stopping() const {
  std::lock_guard lock(mutex_);
  return stop_requested_;
}

void OutboxWorker::run() {
  while (!stopping()) {
    try {
      // A full batch suggests more is waiting: go again before sleeping.
      while (run_once() == static_cast<std::size_t>(options_.batch_size) && !stopping()) {
      }
    } catch (const std::exception& e) {
      obs::error(obs::Category::kEmail, "Email worker: unexpected error: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stop_requested_ || notified_; });
    notified_ = false;
  }
}

std::size_t OutboxWorker::run_once() {
  auto claimed =
      outbox_.claim(std::string(kEmailOutboxKind), options_.batch_size, clock_(), options_.lease);
  if (!claimed) {
    obs::error(obs::Category::kEmail, "Email outbox claim failed: {}", claimed.error().cause);
    return 0;
  }
  for (const store::OutboxMessage& message : *claimed) {
    // Unsent claimed messages return when their lease ends.
    if (stopping()) break;
    deliver(message);
  }
  return claimed->size();
}

void OutboxWorker::deliver(const store::OutboxMessage& message) {
  auto email = parse_payload(message.payload);
  if (!email) {
    record_failure(message, "?", email.error().cause, true);
    return;
  }
  const Status sent = sender_.send(*email);
  if (!sent) {
    const Error& e = sent.error();
    record_failure(message, email->to_address, e.cause.empty() ? e.public_message : e.cause,
                   e.is(ErrorCode::kInvalidInput));
    return;
  }
  obs::count_email("sent");
  obs::debug(obs::Category::kEmail, "Email {} to {} sent", message.id, email->to_address);
  if (auto s = outbox_.mark_sent(message.id, clock_()); !s) {
    // It went out; at worst it goes out again after the lease (at-least-once).
    obs::error(obs::Category::kEmail, "Email {} sent but not marked sent: {}", message.id,
               s.error().cause);
  }
}

void OutboxWorker::record_failure(const store::OutboxMessage& message, const std::string& to,
                                  const std::string& cause, bool permanent) {
  const int failures = message.attempts + 1;
  const std::optional<store::Timestamp> retry_at =
      permanent ? std::nullopt
                : next_retry_at(failures, message.created_at, clock_(), options_.give_up_after);
  if (retry_at) {
    obs::count_email("retried");
    obs::warning(obs::Category::kEmail, "Email {} to {} failed (attempt {}), retry at {}: {}",
                 message.id, to, failures, store::format_iso8601(*retry_at), cause);
  } else {
    obs::count_email("failed");
    obs::error(obs::Category::kEmail, "Email {} to {} failed (attempt {}), giving up: {}",
               message.id, to, failures, cause);
  }
  if (auto s = outbox_.mark_failed(message.id, cause, retry_at); !s) {
    obs::error(obs::Category::kEmail, "Email {} failure not recorded: {}", message.id,
               s.error().cause);
  }
}

}  // namespace gatehouse::mail
