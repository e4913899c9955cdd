// DeliveryWorker with an in-memory outbox (the claim_webhook contract: the oldest undelivered
// row of an endpoint, and none while it waits for its retry) and a scripted poster: the
// headers of a POST, in-order delivery per endpoint, retries and Retry-After, giving up, the
// metric, and on threads: one endpoint that hangs does not hold up another, wake(), stop().
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"
#include "observability/trace_context.hpp"
#include "webhooks/delivery_worker.hpp"
#include "webhooks/signature.hpp"

namespace gatehouse::webhooks {
namespace {

using namespace std::chrono_literals;
using store::OutboxMessage;
using store::Timestamp;

const Timestamp kT0 = std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + 19h;
const std::string kA = "https://a.example/hook?token=sekret";
const std::string kB = "http://b.example:8080/in";
const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class Clock {
 public:
  Timestamp now() const {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void advance(std::chrono::microseconds d) {
    std::lock_guard lock(mutex_);
    now_ += d;
  }
  webhooks::Clock fn() {
    return [this] { return now(); };
  }

 private:
  mutable std::mutex mutex_;
  Timestamp now_ = kT0;
};

// The webhook half of the OutboxRepository contract, in memory.
class MemoryOutbox final : public store::OutboxRepository {
 public:
  struct Row {
    OutboxMessage message;
    bool given_up = false;
    std::vector<std::optional<Timestamp>> retries;  // every retry_at given to mark_failed
  };

  Result<std::int64_t> enqueue_webhook(const std::string& endpoint, const std::string& payload,
                                       Timestamp created_at) override {
    std::lock_guard lock(mutex_);
    OutboxMessage m;
    m.id = next_id_++;
    m.kind = "webhook";
    m.endpoint = endpoint;
    m.payload = payload;
    m.created_at = created_at;
    m.available_at = created_at;
    rows_[m.id].message = m;
    return m.id;
  }
  Result<std::optional<OutboxMessage>> claim_webhook(const std::string& endpoint, Timestamp now,
                                                     std::chrono::seconds lease) override {
    std::lock_guard lock(mutex_);
    if (fail_claims_) return Error::unavailable("down", "claim failed on purpose");
    for (auto& [id, row] : rows_) {
      OutboxMessage& m = row.message;
      if (m.endpoint != endpoint || m.sent_at || row.given_up) continue;
      if (m.available_at > now) return std::optional<OutboxMessage>();  // the head waits
      m.available_at = now + lease;
      return std::optional<OutboxMessage>(m);
    }
    return std::optional<OutboxMessage>();
  }
  Status mark_sent(std::int64_t id, Timestamp at) override {
    std::lock_guard lock(mutex_);
    rows_.at(id).message.sent_at = at;
    changed_.notify_all();
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
    changed_.notify_all();
    return ok();
  }

  // Not used by webhooks.
  Result<std::int64_t> enqueue(const std::string&, const std::string&, Timestamp) override {
    return Error::internal("not used");
  }
  Result<std::vector<OutboxMessage>> claim(const std::string&, int, Timestamp,
                                           std::chrono::seconds) override {
    return Error::internal("not used");
  }
  Result<std::int64_t> count_pending(const std::string&) override {
    return Error::internal("not used");
  }
  Result<std::vector<OutboxMessage>> list_webhooks(bool, std::int64_t) override {
    return Error::internal("not used");
  }
  Result<bool> retry_webhook(std::int64_t, Timestamp) override {
    return Error::internal("not used");
  }

  Row row(std::int64_t id) const {
    std::lock_guard lock(mutex_);
    return rows_.at(id);
  }
  void set_fail_claims(bool fail) {
    std::lock_guard lock(mutex_);
    fail_claims_ = fail;
  }
  bool wait_sent(std::int64_t id, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return rows_.at(id).message.sent_at.has_value(); });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::int64_t, Row> rows_;
  std::int64_t next_id_ = 1;
  bool fail_claims_ = false;
};

// Records every request; answers from a queue per endpoint (200 when empty). An endpoint
// can be held: its posts wait until released.
class ScriptedPoster final : public WebhookPoster {
 public:
  PostResult post(const PostRequest& request) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    changed_.notify_all();
    changed_.wait(lock, [&] { return held_.count(request.url) == 0; });
    auto& queue = answers_[request.url];
    if (queue.empty()) return PostResult{200, std::nullopt, ""};
    PostResult r = queue.front();
    queue.pop_front();
    return r;
  }

  void answer(const std::string& url, PostResult r) {
    std::lock_guard lock(mutex_);
    answers_[url].push_back(std::move(r));
  }
  void hold(const std::string& url) {
    std::lock_guard lock(mutex_);
    held_.insert(url);
  }
  void release(const std::string& url) {
    {
      std::lock_guard lock(mutex_);
      held_.erase(url);
    }
    changed_.notify_all();
  }
  std::vector<PostRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::deque<PostResult>> answers_;
  std::set<std::string> held_;
  std::vector<PostRequest> requests_;
};

std::string header(const PostRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<none>";
}

std::string envelope(const std::string& body, const std::string& trace_id = "") {
  std::string out = R"({"body":")";
  for (char c : body) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  if (!trace_id.empty()) out += R"(,"trace_id":")" + trace_id + R"(","trace_flags":"01")";
  return out + "}";
}

double deliveries_total(std::string_view status) {
  return obs::metrics()
      .counter(obs::metrics_namespace() + "_webhook_deliveries_total", "", {"status"})
      .with({status})
      .value();
}

struct Counts {
  double delivered = deliveries_total("delivered");
  double retried = deliveries_total("retried");
  double failed = deliveries_total("failed");
  double delivered_since() const { return deliveries_total("delivered") - delivered; }
  double retried_since() const { return deliveries_total("retried") - retried; }
  double failed_since() const { return deliveries_total("failed") - failed; }
};

class WebhookWorker : public ::testing::Test {
 protected:
  void SetUp() override { obs::register_standard_metrics(); }
  DeliveryWorker worker(std::vector<std::string> endpoints = {kA, kB},
                        DeliveryWorkerOptions options = {}) {
    return {outbox_,     poster_, std::move(endpoints), *parse_secret(kSecret), RetrySchedule(),
            clock_.fn(), options};
  }
  std::int64_t enqueue(const std::string& endpoint, const std::string& body) {
    return *outbox_.enqueue_webhook(endpoint, envelope(body), clock_.now());
  }

  Clock clock_;
  MemoryOutbox outbox_;
  ScriptedPoster poster_;
};

TEST_F(WebhookWorker, ADeliveryIsSignedAndMarkedSent) {
  const Counts before;
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::int64_t id = *outbox_.enqueue_webhook(
      kA, envelope(R"({"type":"user.banned","data":{"user_id":7}})", trace_id), kT0);
  DeliveryWorker w = worker();
  clock_.advance(2s);
  ASSERT_TRUE(w.run_once(kA));

  ASSERT_EQ(poster_.requests().size(), 1u);
  const PostRequest r = poster_.requests().front();
  EXPECT_EQ(r.url, kA);
  EXPECT_EQ(r.body, R"({"type":"user.banned","data":{"user_id":7}})");
  EXPECT_EQ(header(r, "content-type"), "application/json");
  EXPECT_EQ(header(r, "user-agent"), "Gatehouse-Webhooks");
  EXPECT_EQ(header(r, "webhook-id"), "msg_" + std::to_string(id));
  const std::int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>((kT0 + 2s).time_since_epoch()).count();
  EXPECT_EQ(header(r, "webhook-timestamp"), std::to_string(now_seconds));
  EXPECT_EQ(header(r, "webhook-signature"),
            sign(*parse_secret(kSecret), "msg_" + std::to_string(id), now_seconds, r.body));
  const auto traceparent = obs::parse_traceparent(header(r, "traceparent"));
  ASSERT_TRUE(traceparent) << header(r, "traceparent");
  EXPECT_EQ(traceparent->trace_id, trace_id);
  EXPECT_EQ(traceparent->flags, "01");

  EXPECT_EQ(outbox_.row(id).message.sent_at, kT0 + 2s);
  EXPECT_EQ(before.delivered_since(), 1);
  EXPECT_EQ(before.retried_since(), 0);
  EXPECT_FALSE(w.run_once(kA));  // nothing left
}

TEST_F(WebhookWorker, WithoutAStoredTraceADeliveryStartsOne) {
  enqueue(kA, "{}");
  DeliveryWorker w = worker();
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(obs::parse_traceparent(header(poster_.requests().front(), "traceparent")));
}

TEST_F(WebhookWorker, EachEndpointGetsItsEventsInOrder) {
  const std::int64_t a1 = enqueue(kA, R"({"n":1})");
  const std::int64_t b1 = enqueue(kB, R"({"n":1})");
  const std::int64_t a2 = enqueue(kA, R"({"n":2})");
  enqueue(kA, R"({"n":3})");
  DeliveryWorker w = worker();
  while (w.run_once(kA)) {
  }
  EXPECT_TRUE(w.run_once(kB));
  const auto requests = poster_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].body, R"({"n":1})");
  EXPECT_EQ(requests[1].body, R"({"n":2})");
  EXPECT_EQ(requests[2].body, R"({"n":3})");
  EXPECT_EQ(requests[3].url, kB);
  EXPECT_EQ(header(requests[0], "webhook-id"), "msg_" + std::to_string(a1));
  EXPECT_EQ(header(requests[1], "webhook-id"), "msg_" + std::to_string(a2));
  EXPECT_EQ(header(requests[3], "webhook-id"), "msg_" + std::to_string(b1));
}

TEST_F(WebhookWorker, AFailureIsRetriedOnScheduleAndHoldsBackLaterEvents) {
  const Counts before;
  const std::int64_t first = enqueue(kA, R"({"n":1})");
  const std::int64_t second = enqueue(kA, R"({"n":2})");
  poster_.answer(kA, {500, std::nullopt, ""});
  poster_.answer(kA, {0, std::nullopt, "Operation timed out after 10000 milliseconds"});
  DeliveryWorker w = worker();

  ASSERT_TRUE(w.run_once(kA));
  MemoryOutbox::Row row = outbox_.row(first);
  EXPECT_EQ(row.message.attempts, 1);
  EXPECT_EQ(row.message.last_error, "HTTP 500");
  ASSERT_EQ(row.retries.size(), 1u);
  EXPECT_EQ(row.retries[0], kT0 + 5s);
  EXPECT_FALSE(w.run_once(kA));  // the head waits: the second event is not sent ahead of it

  clock_.advance(5s);
  ASSERT_TRUE(w.run_once(kA));
  row = outbox_.row(first);
  EXPECT_EQ(row.message.last_error, "Operation timed out after 10000 milliseconds");
  EXPECT_EQ(row.retries[1], kT0 + 5s + 30s);

  clock_.advance(30s);
  ASSERT_TRUE(w.run_once(kA));  // delivered now
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(outbox_.row(first).message.sent_at);
  EXPECT_TRUE(outbox_.row(second).message.sent_at);
  const auto requests = poster_.requests();
  ASSERT_EQ(requests.size(), 4u);
  // The same webhook-id on every retry.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(header(requests[i], "webhook-id"), "msg_1");
  EXPECT_EQ(requests[3].body, R"({"n":2})");
  EXPECT_EQ(before.retried_since(), 2);
  EXPECT_EQ(before.delivered_since(), 2);
  EXPECT_EQ(before.failed_since(), 0);
}

TEST_F(WebhookWorker, RetryAfterOf429And503IsHonouredOnlyThere) {
  const std::int64_t id = enqueue(kA, "{}");
  poster_.answer(kA, {429, 120s, ""});
  poster_.answer(kA, {503, 1s, ""});
  poster_.answer(kA, {500, 900s, ""});
  DeliveryWorker w = worker();
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(outbox_.row(id).retries.back(), kT0 + 120s);  // more than the 5 s step
  clock_.advance(120s);
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(outbox_.row(id).retries.back(), kT0 + 120s + 30s);  // less than the 30 s step
  clock_.advance(30s);
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(outbox_.row(id).retries.back(), kT0 + 150s + 2min);  // a 500's is ignored
}

TEST_F(WebhookWorker, GivesUpOnceTheWindowIsOverAndCountsIt) {
  const Counts before;
  const std::int64_t id = enqueue(kA, "{}");
  const std::int64_t next = enqueue(kA, "{}");
  poster_.answer(kA, {302, std::nullopt, ""});
  poster_.answer(kA, {404, std::nullopt, ""});
  DeliveryWorker w = worker();
  clock_.advance(23h + 30min);  // the next try (5 s) still fits in the day
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(outbox_.row(id).retries.back(), clock_.now() + 5s);
  clock_.advance(31min);
  ASSERT_TRUE(w.run_once(kA));
  const MemoryOutbox::Row row = outbox_.row(id);
  EXPECT_TRUE(row.given_up);
  EXPECT_FALSE(row.retries.back());
  EXPECT_EQ(row.message.last_error, "HTTP 404");
  EXPECT_EQ(before.retried_since(), 1);
  EXPECT_EQ(before.failed_since(), 1);
  // The endpoint moves on to its next event.
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(outbox_.row(next).message.sent_at);
}

TEST_F(WebhookWorker, APayloadThatIsNotADeliveryIsGivenUpAtOnce) {
  const Counts before;
  const std::int64_t id = *outbox_.enqueue_webhook(kA, R"({"type":"raw"})", kT0);
  DeliveryWorker w = worker();
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(poster_.requests().empty());
  EXPECT_TRUE(outbox_.row(id).given_up);
  EXPECT_EQ(before.failed_since(), 1);
}

TEST_F(WebhookWorker, AFailedClaimIsNotAClaim) {
  enqueue(kA, "{}");
  outbox_.set_fail_claims(true);
  DeliveryWorker w = worker();
  EXPECT_FALSE(w.run_once(kA));
  EXPECT_TRUE(poster_.requests().empty());
}

TEST_F(WebhookWorker, ReadDelivery) {
  auto d = read_delivery(
      R"({"body":"{\"a\":1}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","trace_flags":"00"})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->body, R"({"a":1})");
  EXPECT_EQ(d->traceparent.substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
  // A stored trace id that is not one starts a fresh trace.
  d = read_delivery(R"({"body":"x","trace_id":"00000000000000000000000000000000"})");
  ASSERT_TRUE(d);
  EXPECT_TRUE(obs::parse_traceparent(d->traceparent));
  EXPECT_EQ(d->traceparent.find("00000000000000000000000000000000"), std::string::npos);
  for (const char* bad : {"", "not json", "[]", R"({"body":1})", R"({"data":"x"})"}) {
    EXPECT_FALSE(read_delivery(bad)) << bad;
  }
}

TEST_F(WebhookWorker, LeaseOutlastsThePostTimeout) {
  config::WebhookSettings s;
  EXPECT_EQ(delivery_worker_options(s).lease, 70s);
  s.timeout_seconds = 300;
  EXPECT_EQ(delivery_worker_options(s).lease, 360s);
}

// On threads, with the real clock.
class WebhookWorkerThreads : public ::testing::Test {
 protected:
  MemoryOutbox outbox_;
  ScriptedPoster poster_;
};

TEST_F(WebhookWorkerThreads, AHangingEndpointDoesNotHoldUpAnother) {
  DeliveryWorker w(outbox_, poster_, {kA, kB}, *parse_secret(kSecret), RetrySchedule(),
                   store::now_utc, {50ms, 60s});
  poster_.hold(kA);
  const std::int64_t a = *outbox_.enqueue_webhook(kA, envelope("{}"), store::now_utc());
  std::vector<std::int64_t> b;
  b.reserve(3);
  for (int i = 0; i < 3; ++i) {
    b.push_back(*outbox_.enqueue_webhook(kB, envelope("{}"), store::now_utc()));
  }
  w.start();
  ASSERT_TRUE(poster_.wait_requests(1, 5s));
  for (std::int64_t id : b) EXPECT_TRUE(outbox_.wait_sent(id, 5s)) << id;
  EXPECT_FALSE(outbox_.row(a).message.sent_at);  // still in its POST
  poster_.release(kA);
  EXPECT_TRUE(outbox_.wait_sent(a, 5s));
  w.stop();
}

TEST_F(WebhookWorkerThreads, WakeDeliversWithoutWaitingForThePoll) {
  DeliveryWorker w(outbox_, poster_, {kA}, *parse_secret(kSecret), RetrySchedule(), store::now_utc,
                   {10min, 60s});
  w.start();
  std::this_thread::sleep_for(50ms);  // the thread is waiting now
  const std::int64_t id = *outbox_.enqueue_webhook(kA, envelope("{}"), store::now_utc());
  w.wake();
  EXPECT_TRUE(outbox_.wait_sent(id, 5s));
  const auto start = std::chrono::steady_clock::now();
  w.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  w.stop();  // idempotent
}

TEST_F(WebhookWorkerThreads, DueRetriesAreFoundByThePoll) {
  DeliveryWorker w(outbox_, poster_, {kA}, *parse_secret(kSecret), RetrySchedule{{1s}, 1h},
                   store::now_utc, {50ms, 60s});
  poster_.answer(kA, {500, std::nullopt, ""});
  const std::int64_t id = *outbox_.enqueue_webhook(kA, envelope("{}"), store::now_utc());
  w.start();
  EXPECT_TRUE(outbox_.wait_sent(id, 5s));
  EXPECT_EQ(outbox_.row(id).message.attempts, 1);
  w.stop();
}

}  // namespace
}  // namespace gatehouse::webhooks
