#pragma once
// LoginTiming: the least time a failed login takes, so that it does not tell whether the
// account exists, whatever the scheme and cost of its stored hash (issue 9 item 4,
// docs/decisions.md).
//
// A failure answers no earlier than `verify start + floor()`, where floor() is the slowest
// verification expected of any hash kind in use (PasswordHasher::kind_name), plus a margin
// for the database work after it. The kinds in use are the configured one, the ones found in
// the users table by refresh() (a census at start and every few minutes), and any kind a
// verification met since. Each kind's estimate is measured on this machine: calibrated once
// (one hash, two verifications) when first seen by a census, then followed by every real
// verification (HashPool reports them): a new peak is taken at once, a lower sample pulls
// the estimate down by 1/8 of the gap, so one slow outlier does not stay for long and load
// raises the floor for every path alike.
//
// The waiting itself happens in the transport on a timer (http::Response::not_before), on no
// thread, so a flood of failures cannot hold the hash pool or the password lane hostage.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "crypto/password_hasher.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::services {

class LoginTiming {
 public:
  using Clock = std::chrono::steady_clock;

  // Margin over the slowest verification: an eighth of it plus this much, for the database
  // round trips a failure makes after the hash (failure count, lockout).
  static constexpr std::chrono::milliseconds kMargin{2};

  // `hasher` gives the configured kind; it must outlive this object.
  explicit LoginTiming(const crypto::PasswordHasher& hasher);
  ~LoginTiming();  // stop()
  LoginTiming(const LoginTiming&) = delete;
  LoginTiming& operator=(const LoginTiming&) = delete;

  // One verification of `encoded` (or of the configured kind's dummy hash when empty) took
  // `took`. Thread-safe and cheap: called after every verification.
  void record(std::string_view encoded, Clock::duration took);

  // Reads the kinds stored in `users` and makes them, with the configured kind, the kinds in
  // use; calibrates each kind seen for the first time on the calling thread (one hash and two
  // verifications each). Logs the resulting floor when it changes. Not concurrently with
  // itself: serve() calls it once before start(), then only the thread does.
  Status refresh(store::UserRepository& users);

  // Calls refresh() every `interval` (every 5 s after a failure) on a background thread
  // until stop(). `users` must outlive the thread.
  void start(store::UserRepository& users, std::chrono::seconds interval);
  void stop();

  // The slowest expected verification of any kind in use, plus the margin.
  Clock::duration floor() const;

  // When a failed login whose hash verification started at `verify_started` may answer.
  Clock::time_point failure_deadline(Clock::time_point verify_started) const {
    return verify_started + floor();
  }

 private:
  void observe(const std::string& kind, Clock::duration took);

  const crypto::PasswordHasher& hasher_;
  const std::string configured_kind_;

  mutable std::mutex mutex_;
  std::map<std::string, Clock::duration> estimates_;
  std::set<std::string> in_use_;
  Clock::duration logged_floor_{};

  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::services
