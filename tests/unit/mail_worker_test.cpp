// Mailer + OutboxWorker: enqueue never sends inline; the worker sends, retries with the
// 5 s / 30 s / 2 min / 10 min / 30 min / hourly schedule until 24 h after creation, then
// gives up; every outcome is counted in …_emails_total{status}. The outbox and the sender
// are in-memory fakes (the real outbox has its own parity tests); time is a fake clock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "mail/mailer.hpp"
#include "mail/outbox_worker.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::mail {
namespace {

using namespace std::chrono_literals;
using store::OutboxMessage;
using store::Timestamp;

const Timestamp kT0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 17h;

class FakeClock {
 public:
  Timestamp now() const {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void set(Timestamp t) {
    std::lock_guard lock(mutex_);
    now_ = t;
  }
  void advance(std::chrono::microseconds d) { set(now() + d); }
  Clock clock() {
    return [this] { return now(); };
  }

 private:
  mutable std::mutex mutex_;
  Timestamp now_ = kT0;
};

// The OutboxRepository contract, in memory.
class FakeOutbox final : public store::OutboxRepository {
 public:
  struct Row {
    OutboxMessage message;
    bool given_up = false;
    std::vector<std::optional<Timestamp>> retries;  // every retry_at passed to mark_failed
  };

  Result<std::int64_t> enqueue(const std::string& kind, const std::string& payload,
                               Timestamp available_at) override {
    std::lock_guard lock(mutex_);
    OutboxMessage m;
    m.id = next_id_++;
    m.kind = kind;
    m.payload = payload;
    m.created_at = available_at;
    m.available_at = available_at;
    rows_[m.id].message = m;
    return m.id;
  }

  Result<std::vector<OutboxMessage>> claim(const std::string& kind, int limit, Timestamp now,
                                           std::chrono::seconds lease) override {
    std::lock_guard lock(mutex_);
    ++claims_;
    if (fail_claims_) return Error::unavailable("db down", "fake claim failure");
    std::vector<OutboxMessage> out;
    for (auto& [id, row] : rows_) {
      if (static_cast<int>(out.size()) >= limit) break;
      OutboxMessage& m = row.message;
      if (m.kind != kind || m.sent_at || row.given_up || m.available_at > now) continue;
      m.available_at = now + lease;
      out.push_back(m);
    }
    return out;
  }

  Status mark_sent(std::int64_t id, Timestamp at) override {
    std::lock_guard lock(mutex_);
    rows_.at(id).message.sent_at = at;
    return ok();
  }

  Status mark_failed(std::int64_t id, const std::string& error,
                     std::optional<Timestamp> retry_at) override {
    std::lock_guard lock(mutex_);
    Row& row = rows_.at(id);
    ++row.message.attempts;
    row.message.last_error = error;
    row.retries.push_back(retry_at);
    if (retry_at) {
      row.message.available_at = *retry_at;
    } else {
      row.given_up = true;
    }
    return ok();
  }

  Result<std::int64_t> count_pending(const std::string& kind) override {
    std::lock_guard lock(mutex_);
    std::int64_t n = 0;
    for (const auto& [id, row] : rows_) {
      if (row.message.kind == kind && !row.message.sent_at && !row.given_up) ++n;
    }
    return n;
  }

  // Webhook deliveries: not used by the mail worker; the contract is tested on the real
  // stores (store_audit_test).
  Result<std::int64_t> enqueue_webhook(const std::string& endpoint, const std::string& payload,
                                       Timestamp created_at) override {
    auto id = enqueue("webhook", payload, created_at);
    if (id) {
      std::lock_guard lock(mutex_);
      rows_[*id].message.endpoint = endpoint;
    }
    return id;
  }
  Result<std::optional<OutboxMessage>> claim_webhook(const std::string&, Timestamp,
                                                     std::chrono::seconds) override {
    return std::optional<OutboxMessage>();
  }
  Result<std::vector<OutboxMessage>> list_webhooks(bool, std::int64_t) override {
    return std::vector<OutboxMessage>();
  }
  Result<bool> retry_webhook(std::int64_t, Timestamp) override { return false; }
  // Retention: not used by the mail worker (store_audit_test covers it).
  Result<std::int64_t> purge_finished(Timestamp, std::int64_t) override { return 0; }

  Row row(std::int64_t id) const {
    std::lock_guard lock(mutex_);
    return rows_.at(id);
  }
  void set_fail_claims(bool fail) {
    std::lock_guard lock(mutex_);
    fail_claims_ = fail;
  }
  int claims() const {
    std::lock_guard lock(mutex_);
    return claims_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, Row> rows_;
  std::int64_t next_id_ = 1;
  bool fail_claims_ = false;
  int claims_ = 0;
};

// Records what it is asked to send; answers with queued results (ok when none queued).
class FakeSender final : public MailSender {
 public:
  Status send(const EmailMessage& message) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(message);
    changed_.notify_all();
    if (results_.empty()) return always_fail_ ? failure() : ok();
    Status s = results_.front();
    results_.pop_front();
    return s;
  }

  static Error failure() { return Error::unavailable("Email delivery failed", "SMTP 421 busy"); }
  void queue(Status s) {
    std::lock_guard lock(mutex_);
    results_.push_back(std::move(s));
  }
  void always_fail() {
    std::lock_guard lock(mutex_);
    always_fail_ = true;
  }
  std::vector<EmailMessage> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  bool wait_for_count(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return sent_.size() >= n; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<EmailMessage> sent_;
  std::deque<Status> results_;
  bool always_fail_ = false;
};

double emails_total(std::string_view status) {
  return obs::metrics()
      .counter(obs::metrics_namespace() + "_emails_total", "", {"status"})
      .with({status})
      .value();
}

struct Counts {
  double sent = emails_total("sent");
  double failed = emails_total("failed");
  double retried = emails_total("retried");
};

EmailMessage message(std::string to = "jane@example.com") {
  return {std::move(to), "Jane", "Subject", "<p>html TOKEN</p>", "text TOKEN"};
}

class MailWorkerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  FakeOutbox outbox_;
  FakeSender sender_;
  Mailer mailer_{outbox_, clock_.clock()};
  OutboxWorker worker_{outbox_, sender_, clock_.clock()};
};

TEST_F(MailWorkerTest, EnqueueOnlyWritesTheOutbox) {
  int woken = 0;
  Mailer mailer(outbox_, clock_.clock(), [&] { ++woken; });
  ASSERT_TRUE(mailer.enqueue(message()));
  EXPECT_EQ(woken, 1);
  EXPECT_TRUE(sender_.sent().empty());
  const auto row = outbox_.row(1);
  EXPECT_EQ(row.message.kind, "email");
  EXPECT_EQ(row.message.available_at, kT0);
  const auto payload = parse_payload(row.message.payload);
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->to_address, "jane@example.com");
  EXPECT_EQ(payload->text, "text TOKEN");

  const auto bad = mailer.enqueue(message("not an address"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(*outbox_.count_pending("email"), 1);
}

TEST_F(MailWorkerTest, SendsAndMarksSent) {
  const Counts before;
  ASSERT_TRUE(mailer_.enqueue(message()));
  ASSERT_TRUE(mailer_.enqueue(message("bob@example.com")));
  clock_.advance(1s);
  EXPECT_EQ(worker_.run_once(), 2u);
  const auto sent = sender_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].to_address, "jane@example.com");
  EXPECT_EQ(sent[0].html, "<p>html TOKEN</p>");
  EXPECT_EQ(sent[1].to_address, "bob@example.com");
  EXPECT_EQ(outbox_.row(1).message.sent_at, kT0 + 1s);
  EXPECT_EQ(*outbox_.count_pending("email"), 0);
  EXPECT_EQ(emails_total("sent") - before.sent, 2);
  EXPECT_EQ(emails_total("retried") - before.retried, 0);
  EXPECT_EQ(worker_.run_once(), 0u);  // nothing is sent twice
  EXPECT_EQ(sender_.sent().size(), 2u);
}

TEST_F(MailWorkerTest, ClaimsAtMostTwentyPerPoll) {
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(mailer_.enqueue(message()));
  EXPECT_EQ(worker_.run_once(), 20u);
  EXPECT_EQ(worker_.run_once(), 5u);
  EXPECT_EQ(sender_.sent().size(), 25u);
}

TEST(MailRetryScheduleTest, BacksOffThenHourlyThenGivesUp) {
  EXPECT_EQ(retry_delay(1), 5s);
  EXPECT_EQ(retry_delay(2), 30s);
  EXPECT_EQ(retry_delay(3), 2min);
  EXPECT_EQ(retry_delay(4), 10min);
  EXPECT_EQ(retry_delay(5), 30min);
  EXPECT_EQ(retry_delay(6), 1h);
  EXPECT_EQ(retry_delay(100), 1h);
  EXPECT_EQ(next_retry_at(1, kT0, kT0), kT0 + 5s);
  EXPECT_EQ(next_retry_at(9, kT0, kT0 + 23h), kT0 + 24h);  // exactly at the limit: allowed
  EXPECT_EQ(next_retry_at(9, kT0, kT0 + 23h + 1s), std::nullopt);
}

TEST_F(MailWorkerTest, RetriesOnTheScheduleUntilADayHasPassed) {
  const Counts before;
  sender_.always_fail();
  ASSERT_TRUE(mailer_.enqueue(message()));

  const std::vector<std::chrono::seconds> expected_first{5s, 30s, 2min, 10min, 30min};
  std::vector<std::chrono::seconds> delays;
  int attempts = 0;
  for (;;) {
    const auto row = outbox_.row(1);
    if (row.given_up) break;
    ASSERT_LT(attempts, 100);
    // Not a moment early.
    clock_.set(row.message.available_at - 1s);
    if (attempts > 0) {
      EXPECT_EQ(worker_.run_once(), 0u);
    }
    clock_.set(row.message.available_at);
    ASSERT_EQ(worker_.run_once(), 1u);
    ++attempts;
    const auto after = outbox_.row(1);
    EXPECT_EQ(after.message.attempts, attempts);
    EXPECT_EQ(after.message.last_error, "SMTP 421 busy");
    if (after.retries.back()) {
      delays.push_back(
          std::chrono::duration_cast<std::chrono::seconds>(*after.retries.back() - clock_.now()));
    }
  }
  ASSERT_GE(delays.size(), expected_first.size());
  for (std::size_t i = 0; i < delays.size(); ++i) {
    EXPECT_EQ(delays[i], i < expected_first.size() ? expected_first[i] : 1h) << i;
  }
  // 5 s + 30 s + 2 min + 10 min + 30 min = 2555 s, then hourly while within 24 h of creation:
  // retries at 2555 + 3600k <= 86400 s, k = 0..23, so 5 + 23 retries and 29 attempts.
  EXPECT_EQ(delays.size(), 28u);
  EXPECT_EQ(attempts, 29);
  const auto last = outbox_.row(1);
  EXPECT_LE(*last.retries[last.retries.size() - 2], kT0 + 24h);
  EXPECT_EQ(last.retries.back(), std::nullopt);
  EXPECT_EQ(emails_total("retried") - before.retried, 28);
  EXPECT_EQ(emails_total("failed") - before.failed, 1);
  EXPECT_EQ(emails_total("sent") - before.sent, 0);

  // Given up means never claimed again.
  clock_.advance(48h);
  EXPECT_EQ(worker_.run_once(), 0u);
  EXPECT_EQ(*outbox_.count_pending("email"), 0);
}

TEST_F(MailWorkerTest, SucceedsOnALaterAttempt) {
  const Counts before;
  sender_.queue(FakeSender::failure());
  ASSERT_TRUE(mailer_.enqueue(message()));
  EXPECT_EQ(worker_.run_once(), 1u);
  EXPECT_EQ(outbox_.row(1).message.available_at, kT0 + 5s);
  clock_.advance(5s);
  EXPECT_EQ(worker_.run_once(), 1u);
  EXPECT_EQ(outbox_.row(1).message.sent_at, kT0 + 5s);
  EXPECT_EQ(sender_.sent().size(), 2u);
  EXPECT_EQ(emails_total("retried") - before.retried, 1);
  EXPECT_EQ(emails_total("sent") - before.sent, 1);
}

TEST_F(MailWorkerTest, UnsendableMessagesAreGivenUpAtOnce) {
  const Counts before;
  ASSERT_TRUE(outbox_.enqueue("email", "{not json", kT0));
  ASSERT_TRUE(mailer_.enqueue(message()));
  Error rejected = Error::invalid_input("invalid recipient address");
  sender_.queue(rejected);
  EXPECT_EQ(worker_.run_once(), 2u);
  EXPECT_TRUE(outbox_.row(1).given_up);
  EXPECT_EQ(outbox_.row(1).message.attempts, 1);
  EXPECT_NE(outbox_.row(1).message.last_error.find("not JSON"), std::string::npos);
  EXPECT_TRUE(outbox_.row(2).given_up);
  EXPECT_EQ(outbox_.row(2).message.last_error, "invalid recipient address");
  EXPECT_EQ(sender_.sent().size(), 1u);  // the broken payload never reached the sender
  EXPECT_EQ(emails_total("failed") - before.failed, 2);
  EXPECT_EQ(emails_total("retried") - before.retried, 0);
}

TEST_F(MailWorkerTest, ClaimFailureIsSurvived) {
  ASSERT_TRUE(mailer_.enqueue(message()));
  outbox_.set_fail_claims(true);
  EXPECT_EQ(worker_.run_once(), 0u);
  outbox_.set_fail_claims(false);
  EXPECT_EQ(worker_.run_once(), 1u);
}

TEST_F(MailWorkerTest, OtherKindsAreLeftAlone) {
  ASSERT_TRUE(outbox_.enqueue("webhook", "{}", kT0));
  EXPECT_EQ(worker_.run_once(), 0u);
  EXPECT_EQ(*outbox_.count_pending("webhook"), 1);
}

TEST(MailWorkerThreadTest, NotifyWakesTheThreadAndStopJoinsPromptly) {
  FakeClock clock;
  FakeOutbox outbox;
  FakeSender sender;
  OutboxWorkerOptions options;
  options.poll_interval = 10s;  // only notify() can explain a quick delivery
  OutboxWorker worker(outbox, sender, clock.clock(), options);
  Mailer mailer(outbox, clock.clock(), [&] { worker.notify(); });
  worker.start();
  worker.start();  // no-op
  // Let the first poll happen and the thread go to sleep.
  for (int i = 0; i < 200 && outbox.claims() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(mailer.enqueue(message()));
  EXPECT_TRUE(sender.wait_for_count(1, 3s));

  const auto start = std::chrono::steady_clock::now();
  worker.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  worker.stop();  // idempotent
  EXPECT_TRUE(outbox.row(1).message.sent_at.has_value());
}

TEST(MailWorkerThreadTest, PollsWithoutNotifyAndStopsWithinASecond) {
  FakeClock clock;
  FakeOutbox outbox;
  FakeSender sender;
  OutboxWorker worker(outbox, sender, clock.clock());  // default 500 ms poll
  worker.start();
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(outbox.enqueue("email", to_payload(message()), kT0));
  EXPECT_TRUE(sender.wait_for_count(1, 3s));

  std::this_thread::sleep_for(100ms);  // mid-sleep
  const auto start = std::chrono::steady_clock::now();
  worker.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);

  // Restartable after a stop; the destructor stops it.
  worker.start();
}

}  // namespace
}  // namespace gatehouse::mail
