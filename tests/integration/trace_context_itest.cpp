// W3C Trace Context over HTTP, on both backends (docs/operations.md "Trace context"): a valid
// traceparent keeps its trace id, in the response's traceparent and in the access-log line;
// a malformed, all-zero or too long one, or none, gets a fresh trace id; every request gets
// its own span id.
#include <gtest/gtest.h>

#include <regex>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kParent = "00f067aa0ba902b7";
const std::regex kTraceparent("00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])");

struct Answer {
  std::string trace_id;
  std::string span_id;
  std::string flags;
};

// GETs a route with `traceparent` (none when empty) and reads the trace of the answer.
Answer get_traced(GatehouseProcess& server, const std::string& traceparent) {
  HttpClient c(server.port());
  Headers headers;
  if (!traceparent.empty()) headers.emplace_back("traceparent", traceparent);
  const auto r = c.get("/users/me", headers);
  EXPECT_EQ(r.status, 401);
  Answer a;
  const std::string echoed = r.header("traceparent").value_or("");
  std::smatch m;
  EXPECT_TRUE(std::regex_match(echoed, m, kTraceparent)) << "traceparent: " << echoed;
  if (m.size() == 4) {
    a.trace_id = m[1];
    a.span_id = m[2];
    a.flags = m[3];
  }
  return a;
}

// Log lines are written asynchronously: waits for the access line of a 401 on /users/me
// that ends with this trace id.
bool logged_with_trace(GatehouseProcess& server, const std::string& trace_id) {
  const std::regex line(
      "\"GET /users/me\" 401 \\([0-9.]+s\\) error=not_authenticated trace=" + trace_id + "\n");
  return wait_until([&] { return std::regex_search(server.log_text(), line); },
                    std::chrono::seconds(5));
}

class TraceContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess();
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static GatehouseProcess* server_;
};
GatehouseProcess* TraceContextTest::server_ = nullptr;

TEST_F(TraceContextTest, ValidTraceparentIsKept) {
  const Answer a = get_traced(*server_, "00-" + kTrace + "-" + kParent + "-01");
  EXPECT_EQ(a.trace_id, kTrace);
  EXPECT_NE(a.span_id, kParent) << "our own span id";
  EXPECT_EQ(a.flags, "01");
  EXPECT_TRUE(logged_with_trace(*server_, kTrace)) << server_->log_text();
  // A later version with extra fields is read as far as level 1 goes.
  EXPECT_EQ(get_traced(*server_, "cc-" + kTrace + "-" + kParent + "-00-more").trace_id, kTrace);
}

TEST_F(TraceContextTest, InvalidTraceparentGetsAFreshTrace) {
  std::vector<std::pair<std::string, std::string>> answers;  // header sent, trace answered
  for (const std::string& bad : {
           std::string("garbage"),
           "00-" + std::string(32, '0') + "-" + kParent + "-01",      // all-zero trace-id
           "00-" + kTrace + "-" + std::string(16, '0') + "-01",       // all-zero parent-id
           "00-" + kTrace + "-" + kParent + "-01-too-long",           // too long for version 00
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + kParent + "-01",  // upper case
           "ff-" + kTrace + "-" + kParent + "-01",                    // version ff
       }) {
    const Answer a = get_traced(*server_, bad);
    EXPECT_NE(a.trace_id, kTrace) << bad;
    EXPECT_NE(a.trace_id, std::string(32, '0')) << bad;
    EXPECT_EQ(a.flags, "00") << bad;
    answers.emplace_back(bad, a.trace_id);
  }
  // The log is written in batches: look once every request was answered.
  for (const auto& [bad, trace_id] : answers) {
    EXPECT_TRUE(logged_with_trace(*server_, trace_id)) << bad << "\n" << server_->log_text();
  }
}

TEST_F(TraceContextTest, NoTraceparentGetsAFreshTracePerRequest) {
  const Answer a = get_traced(*server_, "");
  const Answer b = get_traced(*server_, "");
  EXPECT_NE(a.trace_id, b.trace_id);
  EXPECT_NE(a.span_id, b.span_id);
  EXPECT_TRUE(logged_with_trace(*server_, a.trace_id)) << server_->log_text();
  EXPECT_TRUE(logged_with_trace(*server_, b.trace_id)) << server_->log_text();
}

// Not only the access line: what a service logs while handling the request names the trace
// too (a failed login, handled in the password lane).
TEST_F(TraceContextTest, ServiceLogLinesNameTheTrace) {
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  HttpClient c(server_->port());
  const auto r = c.request(
      "POST", "/login/", {{"traceparent", "00-" + trace + "-b7ad6b7169203331-01"}},
      to_json(boost::json::object{{"email", unique_email("nobody")}, {"password", kPassword}}));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(wait_until(
      [&] {
        return server_->log_text().find("Failed login attempt (user not found) trace=" + trace) !=
               std::string::npos;
      },
      std::chrono::seconds(5)))
      << server_->log_text();
}

}  // namespace
}  // namespace gatehouse::testing
