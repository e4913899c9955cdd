// DeliveryWorker against a real outbox (a fresh SQLite file: claim_webhook hands out an
// endpoint's oldest undelivered row, and none while it waits for its retry) and a scripted
// poster: the headers of a POST, in-order delivery per endpoint, retries and Retry-After,
// giving up, the metric, and on threads: one endpoint that hangs does not hold up another,
// wake(), stop(). The worker's clock is the test's.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/settings.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"
#include "observability/trace_context.hpp"
#include "unit/temp_sqlite.hpp"
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

// A webhook row as the outbox has it now.
OutboxMessage row(store::Database& db, std::int64_t id) {
  auto rows = db.outbox().list_webhooks(false, 1000);
  EXPECT_TRUE(rows) << rows.error().cause;
  for (const OutboxMessage& m : *rows) {
    if (m.id == id) return m;
  }
  ADD_FAILURE() << "no webhook row " << id;
  return {};
}

bool wait_sent(store::Database& db, std::int64_t id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!row(db, id).sent_at) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

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
  void SetUp() override {
    obs::register_standard_metrics();
    path_ = testing::temp_db_path("webhooks-worker-");
    db_ = testing::open_temp_sqlite(settings_, path_);
  }
  void TearDown() override {
    db_.reset();
    testing::remove_temp_sqlite(path_);
  }

  // The worker reads this clock; the test moves it.
  Timestamp now() const { return Timestamp(std::chrono::microseconds(now_us_.load())); }
  void advance(std::chrono::microseconds d) { now_us_ += d.count(); }

  DeliveryWorker worker(std::vector<std::string> endpoints = {kA, kB}, Clock clock = nullptr,
                        DeliveryWorkerOptions options = {}) {
    if (!clock) clock = [this] { return now(); };
    return {
        db_->outbox(),    poster_, std::move(endpoints), *parse_secret(kSecret), RetrySchedule(),
        std::move(clock), options};
  }
  std::int64_t enqueue(const std::string& endpoint, const std::string& body,
                       const std::string& trace_id = "") {
    return *db_->outbox().enqueue_webhook(endpoint, envelope(body, trace_id), now());
  }
  OutboxMessage row(std::int64_t id) { return webhooks::row(*db_, id); }

  config::Settings settings_;
  std::string path_;
  store::DatabasePtr db_;
  std::atomic<std::int64_t> now_us_{kT0.time_since_epoch().count()};
  ScriptedPoster poster_;
};

TEST_F(WebhookWorker, ADeliveryIsSignedAndMarkedSent) {
  const Counts before;
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::int64_t id = enqueue(kA, R"({"type":"user.banned","data":{"user_id":7}})", trace_id);
  DeliveryWorker w = worker();
  advance(2s);
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

  EXPECT_EQ(row(id).sent_at, kT0 + 2s);
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
  OutboxMessage m = row(first);
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.last_error, "HTTP 500");
  EXPECT_EQ(m.available_at, kT0 + 5s);
  EXPECT_FALSE(w.run_once(kA));  // the head waits: the second event is not sent ahead of it

  advance(5s);
  ASSERT_TRUE(w.run_once(kA));
  m = row(first);
  EXPECT_EQ(m.attempts, 2);
  EXPECT_EQ(m.last_error, "Operation timed out after 10000 milliseconds");
  EXPECT_EQ(m.available_at, kT0 + 5s + 30s);

  advance(30s);
  ASSERT_TRUE(w.run_once(kA));  // delivered now
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(row(first).sent_at);
  EXPECT_TRUE(row(second).sent_at);
  const auto requests = poster_.requests();
  ASSERT_EQ(requests.size(), 4u);
  // The same webhook-id on every retry.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(header(requests[i], "webhook-id"), "msg_" + std::to_string(first));
  }
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
  EXPECT_EQ(row(id).available_at, kT0 + 120s);  // more than the 5 s step
  advance(120s);
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(row(id).available_at, kT0 + 120s + 30s);  // less than the 30 s step
  advance(30s);
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(row(id).available_at, kT0 + 150s + 2min);  // a 500's is ignored
}

TEST_F(WebhookWorker, GivesUpOnceTheWindowIsOverAndCountsIt) {
  const Counts before;
  const std::int64_t id = enqueue(kA, "{}");
  const std::int64_t next = enqueue(kA, "{}");
  poster_.answer(kA, {302, std::nullopt, ""});
  poster_.answer(kA, {404, std::nullopt, ""});
  DeliveryWorker w = worker();
  advance(23h + 30min);  // the next try (5 s) still fits in the day
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_EQ(row(id).available_at, now() + 5s);
  advance(31min);
  ASSERT_TRUE(w.run_once(kA));
  const OutboxMessage m = row(id);
  EXPECT_TRUE(m.given_up_at);
  EXPECT_FALSE(m.sent_at);
  EXPECT_EQ(m.last_error, "HTTP 404");
  EXPECT_EQ(before.retried_since(), 1);
  EXPECT_EQ(before.failed_since(), 1);
  // The endpoint moves on to its next event.
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(row(next).sent_at);
}

TEST_F(WebhookWorker, APayloadThatIsNotADeliveryIsGivenUpAtOnce) {
  const Counts before;
  const std::int64_t id = *db_->outbox().enqueue_webhook(kA, R"({"type":"raw"})", kT0);
  DeliveryWorker w = worker();
  ASSERT_TRUE(w.run_once(kA));
  EXPECT_TRUE(poster_.requests().empty());
  EXPECT_TRUE(row(id).given_up_at);
  EXPECT_EQ(before.failed_since(), 1);
}

TEST_F(WebhookWorker, AFailedClaimIsNotAClaim) {
  enqueue(kA, "{}");
  ASSERT_TRUE(db_->drop_all());  // every claim fails from now on
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
  for (const char* bad :
       {"", "not json", "[]", R"({"body":1})", R"({"data":"x"})", R"({"id":"msg_a b","body":"x"})",
        "{\"id\":\"msg_\\n\",\"body\":\"x\"}"}) {
    EXPECT_FALSE(read_delivery(bad)) << bad;
  }
}

TEST_F(WebhookWorker, TheStoredWebhookIdIsTheOneSentAndSigned) {
  const std::string payload = R"({"id":"msg_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","body":"{}"})";
  ASSERT_TRUE(db_->outbox().enqueue_webhook(kA, payload, now()));
  DeliveryWorker w = worker();
  ASSERT_TRUE(w.run_once(kA));
  ASSERT_EQ(poster_.requests().size(), 1u);
  const PostRequest r = poster_.requests().front();
  EXPECT_EQ(header(r, "webhook-id"), "msg_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
  const std::int64_t now_seconds = std::stoll(header(r, "webhook-timestamp"));
  EXPECT_EQ(header(r, "webhook-signature"),
            sign(*parse_secret(kSecret), "msg_0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", now_seconds,
                 r.body));
}

TEST_F(WebhookWorker, LeaseOutlastsThePostTimeout) {
  config::WebhookSettings s;
  EXPECT_EQ(delivery_worker_options(s).lease, 70s);
  s.timeout_seconds = 300;
  EXPECT_EQ(delivery_worker_options(s).lease, 360s);
}

// On threads, with the real clock.

TEST_F(WebhookWorker, AHangingEndpointDoesNotHoldUpAnother) {
  DeliveryWorker w = worker({kA, kB}, store::now_utc, {50ms, 60s});
  poster_.hold(kA);
  const std::int64_t a = *db_->outbox().enqueue_webhook(kA, envelope("{}"), store::now_utc());
  std::vector<std::int64_t> b;
  b.reserve(3);
  for (int i = 0; i < 3; ++i) {
    b.push_back(*db_->outbox().enqueue_webhook(kB, envelope("{}"), store::now_utc()));
  }
  w.start();
  ASSERT_TRUE(poster_.wait_requests(1, 5s));
  for (std::int64_t id : b) EXPECT_TRUE(wait_sent(*db_, id, 5s)) << id;
  EXPECT_FALSE(row(a).sent_at);  // still in its POST
  poster_.release(kA);
  EXPECT_TRUE(wait_sent(*db_, a, 5s));
  w.stop();
}

TEST_F(WebhookWorker, WakeDeliversWithoutWaitingForThePoll) {
  DeliveryWorker w = worker({kA}, store::now_utc, {10min, 60s});
  w.start();
  std::this_thread::sleep_for(50ms);  // the thread is waiting now
  const std::int64_t id = *db_->outbox().enqueue_webhook(kA, envelope("{}"), store::now_utc());
  w.wake();
  EXPECT_TRUE(wait_sent(*db_, id, 5s));
  const auto start = std::chrono::steady_clock::now();
  w.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  w.stop();  // idempotent
}

TEST_F(WebhookWorker, DueRetriesAreFoundByThePoll) {
  DeliveryWorker w(db_->outbox(), poster_, {kA}, *parse_secret(kSecret), RetrySchedule{{1s}, 1h},
                   store::now_utc, {50ms, 60s});
  poster_.answer(kA, {500, std::nullopt, ""});
  const std::int64_t id = *db_->outbox().enqueue_webhook(kA, envelope("{}"), store::now_utc());
  w.start();
  EXPECT_TRUE(wait_sent(*db_, id, 5s));
  EXPECT_EQ(row(id).attempts, 1);
  w.stop();
}

}  // namespace
}  // namespace gatehouse::webhooks
