#include "services/mail_requests.hpp"

#include <exception>

#include "observability/log.hpp"

namespace gatehouse::services {

MailRequests::MailRequests(Handler handler, std::size_t capacity)
    : handler_(std::move(handler)), capacity_(std::max<std::size_t>(1, capacity)) {}

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
      const auto now = std::chrono::steady_clock::now();
      if (now - last_drop_log_ >= std::chrono::minutes(1)) {
        last_drop_log_ = now;
        obs::warning(obs::Category::kEmail,
                     "Password-reset/verification requests dropped: {} already waiting", capacity_);
      }
      return false;
    }
    waiting_.insert(entry);
    queue_.push_back(std::move(entry));
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
    Entry entry = std::move(queue_.front());
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
