#include "services/mail_requests.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>

#include "observability/log.hpp"

namespace gatehouse::services {

MailRequests::MailRequests(Handler handler, std::size_t capacity, std::chrono::milliseconds delay)
    : handler_(std::move(handler)), capacity_(std::max<std::size_t>(1, capacity)), delay_(delay) {}

MailRequests::~MailRequests() { stop(); }

void MailRequests::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void MailRequests::stop() {
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

bool MailRequests::submit(Kind kind, const std::string& email) {
  {
    std::lock_guard lock(mutex_);
    Entry entry{kind, email};
    if (waiting_.count(entry)) return true;  // one email answers both
    if (queue_.size() >= capacity_) {
      // The address stays out of the log: it may be anyone's, typed by an attacker.
      const auto now = Clock::now();
      if (now - last_drop_log_ >= std::chrono::minutes(1)) {
        last_drop_log_ = now;
        obs::warning(obs::Category::kEmail,
                     "Password-reset/verification requests dropped: {} already waiting", capacity_);
      }
      return false;
    }
    // The random part keeps the background work from lining up with a probe sent a fixed
    // time later.
    const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(1, delay_.count())) * 1000;
    const auto jitter = std::chrono::microseconds(static_cast<std::int64_t>(jitter_() % span));
    waiting_.insert(entry);
    queue_.push_back({std::move(entry), Clock::now() + delay_ + jitter});
  }
  wake_.notify_one();
  return true;
}

std::size_t MailRequests::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void MailRequests::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything was carried out
    if (!stopping_ && Clock::now() < queue_.front().due) {
      const auto due = queue_.front().due;
      wake_.wait_until(lock, due, [this] { return stopping_; });
      continue;
    }
    Entry entry = std::move(queue_.front().entry);
    queue_.pop_front();
    waiting_.erase(entry);
    lock.unlock();
    try {
      handler_(entry.first, entry.second);
    } catch (const std::exception& e) {
      obs::error(obs::Category::kEmail, "Mail request failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace gatehouse::services
