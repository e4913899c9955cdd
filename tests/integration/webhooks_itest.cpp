// Webhooks through the real binary (docs/audit-and-webhooks.md): lifecycle events reach a
// receiver that checks every signature with the Standard Webhooks reference library (npm
// `standardwebhooks`, tests/node/webhook-receiver.mjs), in order, at least once, through a
// receiver answering 500, 429 with Retry-After, hanging, redirecting or closing mid-answer,
// across a kill -9 of the server, and until an operator retries one given up on.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "auth_test_support.hpp"
#include "support/webhook_receiver.hpp"

namespace gatehouse::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// whsec_ and the standard base64 of 32 random bytes: a secret made for this run.
std::string generated_secret() {
  std::string raw;
  const std::string hex = random_hex(32);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  std::string text = base64url_encode(raw);
  for (char& ch : text) {
    if (ch == '-') ch = '+';
    if (ch == '_') ch = '/';
  }
  while (text.size() % 4 != 0) text.push_back('=');
  return "whsec_" + text;
}

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "gatehouse-hooks-XXXXXX").string();
  return ::mkdtemp(tmpl.data());
}

class Webhooks : public ::testing::Test {
 protected:
  void SetUp() override {
    receiver_ = std::make_unique<WebhookReceiver>(dir_, secret_);
    ASSERT_TRUE(receiver_->error().empty()) << receiver_->error();
  }

  void TearDown() override {
    server_.reset();
    receiver_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A server sending to the receiver, retrying every second.
  void start(const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> env = {{"WEBHOOK_URLS", receiver_->url()},
                                              {"WEBHOOK_SECRET", secret_},
                                              {"WEBHOOK_TIMEOUT_SECONDS", "1"},
                                              {"WEBHOOK_RETRY_DELAYS", "1"},
                                              {"METRICS_ENABLED", "true"}};
    for (const auto& [k, v] : extra) env[k] = v;
    server_ = std::make_unique<GatehouseProcess>(env);
    server_->start();
  }

  // Registers a new account over HTTP (a user.registered event); returns its address.
  std::string sign_up(const std::string& prefix = "hooked") {
    HttpClient c(server_->port());
    std::string email = unique_email(prefix);
    const auto r = register_user(c, email);
    EXPECT_EQ(r.status, 202) << r.body;
    return email;
  }

  static json::object body_of(const ReceivedWebhook& r) { return json::parse(r.body).as_object(); }

  // Waits until a request with `id` was answered `status`.
  bool wait_answered(const std::string& id, int status, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& r : receiver_->received()) {
        if (r.id == id && r.status_answered == status) return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string dir_ = temp_dir();
  std::string secret_ = generated_secret();
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<GatehouseProcess> server_;
};

TEST_F(Webhooks, LifecycleEventsArriveSignedInOrderAndSignInsDoNot) {
  start();
  std::vector<std::string> emails;
  emails.reserve(3);
  for (int i = 0; i < 3; ++i) emails.push_back(sign_up());
  ASSERT_TRUE(receiver_->wait_for(3, 15s));
  const auto got = receiver_->received();
  ASSERT_EQ(got.size(), 3u);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].verified) << got[i].body;
    EXPECT_EQ(got[i].status_answered, 200);
    EXPECT_EQ(got[i].type, "user.registered");
    EXPECT_EQ(got[i].id.rfind("msg_", 0), 0u) << got[i].id;
    EXPECT_GT(got[i].id.size(), 30u) << "msg_ and a UUID, not a row number: " << got[i].id;
    ids.insert(got[i].id);
    const auto body = body_of(got[i]);
    EXPECT_EQ(body.at("data").at("details").at("email"), json::value(emails[i]))
        << "in order of creation";
    EXPECT_TRUE(body.at("timestamp").is_string());
    EXPECT_EQ(body.at("data").at("target_type"), "user");
  }
  EXPECT_EQ(ids.size(), 3u);
  // A sign-in is in the audit log only.
  HttpClient c(server_->port());
  const TestUser admin = make_admin(*server_, c, "hookadmin");
  ASSERT_TRUE(receiver_->wait_for(4, 15s));  // the admin's user.registered
  std::this_thread::sleep_for(1500ms);
  for (const auto& r : receiver_->received()) EXPECT_NE(r.type, "user.login");
}

TEST_F(Webhooks, A500IsRetriedWithTheSameIdAndHoldsBackLaterEvents) {
  receiver_->control(R"({"mode":"status","status":500})");
  start();
  sign_up("first");
  ASSERT_TRUE(receiver_->wait_for(2, 15s));
  sign_up("second");
  std::this_thread::sleep_for(1500ms);
  const auto failing = receiver_->received();
  const std::string first_id = failing.front().id;
  for (const auto& r : failing) {
    EXPECT_EQ(r.id, first_id) << "a later event is not sent while the first waits";
    EXPECT_EQ(r.status_answered, 500);
  }
  receiver_->control(R"({"mode":"ok"})");
  ASSERT_TRUE(wait_answered(first_id, 200, 15s));
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  std::vector<ReceivedWebhook> all;
  std::size_t first_ok = 0;
  std::size_t second_at = 0;
  while (second_at == 0 && std::chrono::steady_clock::now() < deadline) {
    all = receiver_->received();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].id == first_id && all[i].status_answered == 200 && first_ok == 0) first_ok = i;
      if (all[i].id != first_id) second_at = i;
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GT(second_at, 0u) << "the second event follows once the first is delivered";
  EXPECT_GT(second_at, first_ok) << "and not before";
  const auto& second = all[second_at];
  EXPECT_EQ(second.status_answered, 200);
  EXPECT_NE(body_of(second).at("data").at("details").at("email").as_string().find("second"),
            std::string::npos);
  HttpClient c(server_->port());
  const auto metrics = c.get("/metrics");
  EXPECT_NE(metrics.body.find("webhook_deliveries_total{status=\"retried\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("webhook_deliveries_total{status=\"delivered\"} 2"),
            std::string::npos)
      << metrics.body.substr(0, 400);
}

TEST_F(Webhooks, A429WithRetryAfterWaitsAtLeastThatLong) {
  receiver_->control(R"({"mode":"status","status":429,"retry_after":"3"})");
  start();
  sign_up();
  ASSERT_TRUE(receiver_->wait_for(1, 15s));
  receiver_->control(R"({"mode":"ok"})");
  const std::string id = receiver_->received().front().id;
  ASSERT_TRUE(wait_answered(id, 200, 15s));
  const auto got = receiver_->received();
  ASSERT_GE(got.size(), 2u);
  EXPECT_GE(got[1].at_ms - got[0].at_ms, 3000) << "Retry-After: 3 outweighs the 1-s schedule";
}

TEST_F(Webhooks, AnAnswerThatHangsPastTheTimeoutIsRetried) {
  receiver_->control(R"({"mode":"ok","hang_ms":4000})");
  start();
  sign_up();
  ASSERT_TRUE(receiver_->wait_for(1, 15s));
  receiver_->control(R"({"mode":"ok"})");
  ASSERT_TRUE(receiver_->wait_for(2, 15s)) << "the hung attempt is tried again";
  const auto got = receiver_->received();
  EXPECT_EQ(got[0].id, got[1].id);
  // The retry came after the 1-s timeout plus the 1-s delay, not after the 4-s hang.
  EXPECT_LT(got[1].at_ms - got[0].at_ms, 3900);
  EXPECT_GE(got[1].at_ms - got[0].at_ms, 1000);
}

TEST_F(Webhooks, ARedirectIsNotFollowed) {
  const std::string other_dir = temp_dir();
  WebhookReceiver elsewhere(other_dir, secret_);
  ASSERT_TRUE(elsewhere.error().empty()) << elsewhere.error();
  receiver_->control(R"({"mode":"ok","redirect":")" + elsewhere.url() + R"("})");
  start();
  sign_up();
  ASSERT_TRUE(receiver_->wait_for(2, 15s)) << "the 302 is a failure, retried";
  receiver_->control(R"({"mode":"ok"})");
  ASSERT_TRUE(wait_answered(receiver_->received().front().id, 200, 15s));
  EXPECT_TRUE(elsewhere.received().empty()) << "nothing went where the redirect pointed";
  std::filesystem::remove_all(other_dir);
}

TEST_F(Webhooks, AConnectionClosedMidAnswerIsRetried) {
  receiver_->control(R"({"mode":"ok","close_mid_response":true})");
  start();
  sign_up();
  ASSERT_TRUE(receiver_->wait_for(2, 15s));
  receiver_->control(R"({"mode":"ok"})");
  const auto got = receiver_->received();
  EXPECT_EQ(got[0].id, got[1].id);
  ASSERT_TRUE(wait_answered(got[0].id, 200, 15s));
}

TEST_F(Webhooks, PendingDeliveriesSurviveAKillAndKeepTheirIds) {
  receiver_->control(R"({"mode":"status","status":503})");
  start();
  sign_up("killed-a");
  sign_up("killed-b");
  ASSERT_TRUE(receiver_->wait_for(1, 15s));
  const std::string first_id = receiver_->received().front().id;
  server_->stop(SIGKILL);
  receiver_->control(R"({"mode":"ok"})");
  server_->start();
  // At most a lease (timeout + 60 s) when the kill hit a delivery in flight.
  ASSERT_TRUE(wait_answered(first_id, 200, 90s));
  const auto after_first = receiver_->received();
  std::set<std::string> delivered;
  for (const auto& r : after_first) {
    if (r.status_answered == 200) delivered.insert(r.id);
  }
  if (delivered.size() < 2) {
    ASSERT_TRUE(receiver_->wait_for(after_first.size() + 1, 15s));
  }
  delivered.clear();
  std::vector<std::string> emails;
  for (const auto& r : receiver_->received()) {
    EXPECT_TRUE(r.verified);
    if (r.status_answered == 200 && delivered.insert(r.id).second) {
      emails.emplace_back(body_of(r).at("data").at("details").at("email").as_string());
    }
  }
  ASSERT_EQ(emails.size(), 2u) << "each event once after de-duplication by webhook-id";
  EXPECT_NE(emails[0].find("killed-a"), std::string::npos);
  EXPECT_NE(emails[1].find("killed-b"), std::string::npos);
}

TEST_F(Webhooks, AGivenUpDeliveryIsListedCountedAndCanBeRetried) {
  receiver_->control(R"({"mode":"status","status":500})");
  start({{"WEBHOOK_GIVE_UP_HOURS", "0.0008"}});  // about 3 s
  sign_up("given-up");
  HttpClient c(server_->port());
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  std::string listed;
  while (std::chrono::steady_clock::now() < deadline) {
    listed = server_->run_command({"webhooks", "list", "--failed"}).out;
    if (listed.find("failed") != std::string::npos) break;
    std::this_thread::sleep_for(300ms);
  }
  ASSERT_NE(listed.find("failed"), std::string::npos) << listed;
  EXPECT_NE(c.get("/metrics").body.find("webhook_deliveries_total{status=\"failed\"} 1"),
            std::string::npos);
  // The row's id, then its webhook-id (the one the receiver saw), in the row after the header.
  std::istringstream row(listed.substr(listed.find('\n') + 1));
  std::string id, state, created, attempts, webhook_id, host;
  row >> id >> state >> created >> attempts >> webhook_id >> host;
  EXPECT_EQ(webhook_id, receiver_->received().front().id);
  EXPECT_EQ(host, "127.0.0.1:" + std::to_string(receiver_->port()))
      << "the host only, never the whole URL";
  receiver_->control(R"({"mode":"ok"})");
  const auto retried = server_->run_command({"webhooks", "retry", id});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  ASSERT_TRUE(wait_answered(webhook_id, 200, 15s));
  const auto again = server_->run_command({"webhooks", "retry", id});
  EXPECT_EQ(again.exit_code, 1) << "only a given-up delivery can be retried";
  EXPECT_NE(server_->run_command({"webhooks", "list"}).out.find("delivered"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::testing
