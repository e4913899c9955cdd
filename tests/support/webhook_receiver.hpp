#pragma once
// tests/node/webhook-receiver.mjs as a child process: a loopback webhook endpoint that
// verifies every request with the Standard Webhooks reference library (npm
// `standardwebhooks`), logs each one, and answers as the test scripts it (control()).
// Header-only; for unit and integration tests. Needs Node.js and tests/node/node_modules
// (`scripts/node-tools` installs them): without them error() says so, and tests fail.
//
//   WebhookReceiver receiver(dir, "whsec_...");
//   ASSERT_TRUE(receiver.error().empty()) << receiver.error();
//   ... WEBHOOK_URLS=receiver.url(), WEBHOOK_SECRET=the same secret ...
//   receiver.control(R"({"mode":"status","status":503,"retry_after":"3"})");
//   ASSERT_TRUE(receiver.wait_for(2, 10s));
//   for (const ReceivedWebhook& r : receiver.received()) EXPECT_TRUE(r.verified);
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/port_child.hpp"

namespace gatehouse::testing {

// One request the receiver got (a line of its log).
struct ReceivedWebhook {
  std::string id;    // webhook-id; empty when absent
  std::string type;  // the body's "type"; empty when absent
  bool verified = false;
  std::optional<int> status_answered;  // nullopt: the connection was closed without an answer
  std::int64_t at_ms = 0;              // arrival, Unix milliseconds
  std::string body;
};

class WebhookReceiver {
 public:
  // Starts the receiver with `secret` (whsec_…), keeping its log and control file in `dir`
  // (which must exist). Waits up to 10 s for it to listen.
  WebhookReceiver(const std::filesystem::path& dir, const std::string& secret)
      : log_(dir / "webhook-receiver.jsonl"), control_(dir / "webhook-receiver-control.json") {
    namespace fs = std::filesystem;
    const fs::path script = fs::path(__FILE__).parent_path() / "../node/webhook-receiver.mjs";
    const fs::path library =
        fs::path(__FILE__).parent_path() / "../node/node_modules/standardwebhooks";
    if (!fs::exists(script)) {
      error_ = "webhook-receiver.mjs not found at " + script.string();
      return;
    }
    if (!fs::exists(library)) {
      error_ = "tests/node/node_modules/standardwebhooks is missing: run scripts/node-tools";
      return;
    }
    std::ofstream(log_, std::ios::trunc).flush();
    control(R"({"mode":"ok"})");
    child_ = std::make_unique<PortChild>(
        "webhook-receiver.mjs (is Node.js installed?)",
        std::vector<std::string>{"node", script.string(), "--secret", secret, "--log",
                                 log_.string(), "--control", control_.string()});
    error_ = child_->error();
  }

  const std::string& error() const { return error_; }
  int port() const { return child_ ? child_->port() : 0; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }

  // Replaces the control file (webhook-receiver.mjs documents its fields), atomically: the
  // next request answers accordingly.
  void control(const std::string& json) const {
    const std::filesystem::path tmp = control_.string() + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << json;
    std::filesystem::rename(tmp, control_);
  }

  // Every request so far, in arrival order.
  std::vector<ReceivedWebhook> received() const {
    std::vector<ReceivedWebhook> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) {
      boost::system::error_code ec;
      const boost::json::value v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) continue;
      const boost::json::object& o = v.get_object();
      ReceivedWebhook r;
      r.id = text(o, "id");
      r.type = text(o, "type");
      r.verified =
          o.contains("verified") && o.at("verified").is_bool() && o.at("verified").as_bool();
      if (o.contains("status_answered") && o.at("status_answered").is_int64()) {
        r.status_answered = static_cast<int>(o.at("status_answered").as_int64());
      }
      if (o.contains("at_ms") && o.at("at_ms").is_int64()) r.at_ms = o.at("at_ms").as_int64();
      r.body = text(o, "body");
      out.push_back(std::move(r));
    }
    return out;
  }

  // Waits until at least `n` requests arrived; false after `timeout`.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received().size() < n) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

 private:
  static std::string text(const boost::json::object& o, const char* key) {
    const boost::json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  }

  std::filesystem::path log_;
  std::filesystem::path control_;
  std::unique_ptr<PortChild> child_;
  std::string error_;
};

}  // namespace gatehouse::testing
