// MailRequests (issue 9 item 5): the forgot-password and resend-verification work that the
// handlers hand to a background thread. Bounded, merged, finished on stop.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "services/mail_requests.hpp"

namespace gatehouse::services {
namespace {

using Kind = MailRequests::Kind;

// Records what the thread carried out; can hold the thread on its first request.
struct Recorder {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> done;
  bool hold = false;
  bool holding = false;

  MailRequests::Handler handler() {
    return [this](Kind kind, const std::string& email) {
      std::unique_lock lock(mutex);
      if (hold) {
        holding = true;
        cv.notify_all();
        cv.wait(lock, [this] { return !hold; });
      }
      done.push_back((kind == Kind::kPasswordReset ? "reset " : "verify ") + email);
    };
  }
  void wait_holding() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [this] { return holding; });
  }
  void release() {
    std::lock_guard lock(mutex);
    hold = false;
    cv.notify_all();
  }
};

TEST(MailRequests, CarriesOutInOrderAndFinishesOnStop) {
  Recorder rec;
  MailRequests requests(rec.handler(), 16);
  requests.start();
  EXPECT_TRUE(requests.submit(Kind::kPasswordReset, "a@example.com"));
  EXPECT_TRUE(requests.submit(Kind::kVerification, "b@example.com"));
  EXPECT_TRUE(requests.submit(Kind::kPasswordReset, "c@example.com"));
  requests.stop();
  EXPECT_EQ(rec.done, (std::vector<std::string>{"reset a@example.com", "verify b@example.com",
                                                "reset c@example.com"}));
  EXPECT_EQ(requests.pending(), 0u);
}

TEST(MailRequests, BoundedAndMergesWhatIsAlreadyWaiting) {
  Recorder rec;
  rec.hold = true;
  MailRequests requests(rec.handler(), 2);
  requests.start();
  ASSERT_TRUE(requests.submit(Kind::kPasswordReset, "first@example.com"));
  rec.wait_holding();  // the thread is busy with the first; the queue is empty again
  EXPECT_TRUE(requests.submit(Kind::kPasswordReset, "a@example.com"));
  EXPECT_TRUE(requests.submit(Kind::kPasswordReset, "a@example.com"));  // merged
  EXPECT_TRUE(requests.submit(Kind::kVerification, "a@example.com"));   // another kind
  EXPECT_EQ(requests.pending(), 2u);
  // Full: dropped, and memory does not grow.
  EXPECT_FALSE(requests.submit(Kind::kPasswordReset, "b@example.com"));
  EXPECT_EQ(requests.pending(), 2u);
  rec.release();
  requests.stop();
  EXPECT_EQ(rec.done, (std::vector<std::string>{"reset first@example.com", "reset a@example.com",
                                                "verify a@example.com"}));
}

TEST(MailRequests, CarriedOutOnlyAfterTheDelay) {
  // Not at once: the work for an existing address must not compete with the answer.
  Recorder rec;
  MailRequests requests(rec.handler(), 4, std::chrono::milliseconds(300));
  requests.start();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(requests.submit(Kind::kPasswordReset, "later@example.com"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard lock(rec.mutex);
    EXPECT_TRUE(rec.done.empty());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(rec.mutex);
      if (!rec.done.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.done.size(), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST(MailRequests, SubmitNeverWaitsForTheWork) {
  Recorder rec;
  rec.hold = true;
  MailRequests requests(rec.handler(), 4);
  requests.start();
  ASSERT_TRUE(requests.submit(Kind::kPasswordReset, "slow@example.com"));
  rec.wait_holding();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(requests.submit(Kind::kPasswordReset, "next@example.com"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  rec.release();
  requests.stop();
  EXPECT_EQ(rec.done.size(), 2u);
}

}  // namespace
}  // namespace gatehouse::services
