#pragma once
// MailRequests: forgot-password and resend-verification requests, taken in by the handler
// and carried out by a background thread (issue 9 item 5, docs/decisions.md).
//
// Whether an address exists decides whether a token is minted and an email queued; done in
// the request, that work made the answer slower for existing addresses. The handler now only
// submits: the same small, in-memory step for every address, and the same answer. The thread
// then looks the address up and sends what is due (AuthService::forgot_password,
// resend_verification), but only `delay` plus a random part of it after the request: run at
// once, the extra work for an existing address competed for the CPU with the answer still
// being written, and made it measurably slower (1.3 ms against 2.4 ms on a busy machine).
//
// Bounded: at most `capacity` requests wait; a request for a (kind, address) already waiting
// is merged with it; beyond capacity a request is dropped (logged, at most once a minute,
// without the address) and the client still gets the usual answer, so a flood costs neither
// memory nor a different response, only the emails asked for during it. Not durable: what
// is still waiting when the process dies is lost (the user asks again); stop() finishes
// what is queued.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace gatehouse::services {

class MailRequests {
 public:
  enum class Kind { kPasswordReset, kVerification };
  // Carries out one request; runs on the background thread.
  using Handler = std::function<void(Kind, const std::string& email)>;

  static constexpr std::size_t kDefaultCapacity = 1024;
  static constexpr std::chrono::milliseconds kDefaultDelay{100};

  // A request is carried out between `delay` and twice `delay` after it was submitted.
  explicit MailRequests(Handler handler, std::size_t capacity = kDefaultCapacity,
                        std::chrono::milliseconds delay = kDefaultDelay);
  ~MailRequests();  // stop()
  MailRequests(const MailRequests&) = delete;
  MailRequests& operator=(const MailRequests&) = delete;

  // Starts the thread; no-op when running.
  void start();
  // Carries out what is queued (without the delay), then joins. Idempotent; not from the
  // handler.
  void stop();

  // Queues a request without blocking on any I/O; false when it was dropped (queue full).
  // Any thread.
  bool submit(Kind kind, const std::string& email);

  // Requests waiting (not the one being carried out).
  std::size_t pending() const;

 private:
  using Clock = std::chrono::steady_clock;
  using Entry = std::pair<Kind, std::string>;
  struct Queued {
    Entry entry;
    Clock::time_point due;
  };
  void run();

  Handler handler_;
  std::size_t capacity_;
  std::chrono::milliseconds delay_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  std::set<Entry> waiting_;  // the same entries, to merge duplicates
  bool stopping_ = false;
  std::minstd_rand jitter_{std::random_device{}()};
  Clock::time_point last_drop_log_{};
  std::thread thread_;
};

}  // namespace gatehouse::services
