// The test receiver (tests/node/webhook-receiver.mjs through tests/support/webhook_receiver.hpp)
// against our signer and poster: the Standard Webhooks reference library (npm
// `standardwebhooks`) accepts what we sign and refuses a tampered body, another key or a stale
// timestamp; the control file scripts its answers; and the delivery worker's POSTs, from a real
// SQLite outbox, verify there. Fails, never skips, without Node.js or tests/node/node_modules
// (`scripts/node-tools` installs them).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "config/settings.hpp"
#include "support/webhook_receiver.hpp"
#include "unit/temp_sqlite.hpp"
#include "webhooks/delivery_worker.hpp"
#include "webhooks/signature.hpp"
#include "webhooks/webhook_poster.hpp"

namespace gatehouse::webhooks {
namespace {

using namespace std::chrono_literals;
using testing::ReceivedWebhook;
using testing::WebhookReceiver;

constexpr const char* kSecret = "whsec_zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc=";
constexpr const char* kOtherSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class WebhookReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gh-webhook-receiver-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A POST signed with `secret` over `signed_body`, sending `sent_body`.
  PostRequest signed_request(const WebhookReceiver& receiver, const std::string& signed_body,
                             const std::string& sent_body, const char* secret = kSecret,
                             std::int64_t timestamp = unix_now()) const {
    PostRequest r;
    r.url = receiver.url();
    r.body = sent_body;
    r.headers = {
        {"content-type", "application/json"},
        {"webhook-id", "msg_7"},
        {"webhook-timestamp", std::to_string(timestamp)},
        {"webhook-signature", sign(*parse_secret(secret), "msg_7", timestamp, signed_body)}};
    return r;
  }

  static CurlWebhookPoster poster(std::chrono::milliseconds timeout = 5s) {
    CurlPosterOptions o;
    o.timeout = timeout;
    o.connect_timeout = 2s;
    return CurlWebhookPoster(o);
  }

  std::string dir_;
};

TEST_F(WebhookReceiverTest, AcceptsWhatWeSignAndRefusesTampering) {
  WebhookReceiver receiver(dir_, kSecret);
  ASSERT_TRUE(receiver.error().empty()) << receiver.error();
  const std::string body = R"({"type":"user.banned","data":{"name":"Zoë"}})";
  CurlWebhookPoster p = poster();

  EXPECT_EQ(p.post(signed_request(receiver, body, body)).status, 200);
  const std::string tampered = R"({"type":"user.banned","data":{"name":"Zoe"}})";
  EXPECT_EQ(p.post(signed_request(receiver, body, tampered)).status, 401);
  EXPECT_EQ(p.post(signed_request(receiver, body, body, kOtherSecret)).status, 401);
  EXPECT_EQ(p.post(signed_request(receiver, body, body, kSecret, unix_now() - 600)).status, 401);

  const std::vector<ReceivedWebhook> got = receiver.received();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_TRUE(got[0].verified);
  EXPECT_EQ(got[0].id, "msg_7");
  EXPECT_EQ(got[0].type, "user.banned");
  EXPECT_EQ(got[0].body, body);
  EXPECT_EQ(got[0].status_answered, 200);
  EXPECT_GT(got[0].at_ms, 0);
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_FALSE(got[i].verified) << i;
    EXPECT_EQ(got[i].status_answered, 401) << i;
  }
}

TEST_F(WebhookReceiverTest, AnswersAsTheControlFileSays) {
  WebhookReceiver receiver(dir_, kSecret);
  ASSERT_TRUE(receiver.error().empty()) << receiver.error();
  const std::string body = R"({"type":"user.deleted"})";
  CurlWebhookPoster p = poster();

  receiver.control(R"({"mode":"status","status":429,"retry_after":"3"})");
  PostResult r = p.post(signed_request(receiver, body, body));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, 3s);

  receiver.control(R"({"mode":"status","status":500})");
  EXPECT_EQ(p.post(signed_request(receiver, body, body)).status, 500);

  receiver.control(R"({"redirect":")" + receiver.url("/elsewhere") + R"("})");
  r = p.post(signed_request(receiver, body, body));
  EXPECT_EQ(r.status, 302);
  EXPECT_FALSE(r.delivered());

  receiver.control(R"({"close_mid_response":true})");
  r = p.post(signed_request(receiver, body, body));
  EXPECT_FALSE(r.delivered());
  EXPECT_FALSE(r.error.empty());

  receiver.control(R"({"no_response":true})");
  r = p.post(signed_request(receiver, body, body));
  EXPECT_FALSE(r.error.empty());

  receiver.control(R"({"hang_ms":3000})");
  r = poster(300ms).post(signed_request(receiver, body, body));
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;

  const std::vector<ReceivedWebhook> got = receiver.received();
  ASSERT_EQ(got.size(), 6u);  // the redirect was not followed
  for (const ReceivedWebhook& w : got) EXPECT_TRUE(w.verified);
  EXPECT_EQ(got[4].status_answered, std::nullopt);
}

TEST_F(WebhookReceiverTest, TheWorkersDeliveriesVerify) {
  WebhookReceiver receiver(dir_, kSecret);
  ASSERT_TRUE(receiver.error().empty()) << receiver.error();
  config::Settings settings;
  const std::string db_path = dir_ + "/outbox.db";
  store::DatabasePtr db = testing::open_temp_sqlite(settings, db_path);
  const std::string url = receiver.url();
  // What services::AuditLog stores: {"body": the text to POST}.
  for (const std::string type : {"user.registered", "user.verified", "user.banned"}) {
    const std::string payload = R"({"body":"{\"type\":\")" + type + R"(\"}"})";
    ASSERT_TRUE(db->outbox().enqueue_webhook(url, payload, store::now_utc()));
  }
  CurlWebhookPoster p = poster();
  DeliveryWorker worker(db->outbox(), p, {url}, *parse_secret(kSecret), RetrySchedule(),
                        store::now_utc, {50ms, 60s});
  worker.start();
  ASSERT_TRUE(receiver.wait_for(3, 10s));
  worker.stop();
  const std::vector<ReceivedWebhook> got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].type, "user.registered");
  EXPECT_EQ(got[1].type, "user.verified");
  EXPECT_EQ(got[2].type, "user.banned");
  for (const ReceivedWebhook& w : got) {
    EXPECT_TRUE(w.verified) << w.body;
    EXPECT_EQ(w.id.rfind("msg_", 0), 0u) << w.id;
  }
  db.reset();
}

}  // namespace
}  // namespace gatehouse::webhooks
