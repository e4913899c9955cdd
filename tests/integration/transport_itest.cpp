// Transport limits and bad input: each gets a clear JSON answer and the server keeps
// serving everyone else (API.md §1 "Limits", issue: foundation).
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "harness.hpp"

namespace gatehouse::testing {
namespace {

using namespace std::chrono_literals;

class Transport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess({{"MAX_BODY_BYTES", "2048"},
                                    {"HEADER_TIMEOUT_SECONDS", "2"},
                                    {"BODY_TIMEOUT_SECONDS", "2"},
                                    {"IDLE_TIMEOUT_SECONDS", "2"},
                                    {"METRICS_ENABLED", "true"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static int port() { return server_->port(); }
  static void expect_still_serving() {
    HttpClient c(port());
    EXPECT_EQ(c.get("/heartbeat").status, 200);
  }
  static GatehouseProcess* server_;
};
GatehouseProcess* Transport::server_ = nullptr;

TEST_F(Transport, KeepAliveServesManyRequestsOnOneConnection) {
  HttpClient c(port());
  c.connect();
  for (int i = 0; i < 50; ++i) {
    c.send_raw("GET /heartbeat HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // Pipelined requests are answered in order.
  c.send_raw("GET /heartbeat HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_response()->status, 200);
  EXPECT_EQ(c.read_response()->status, 404);
}

TEST_F(Transport, MalformedRequestLineIs400AndClosed) {
  HttpClient c(port());
  c.connect();
  c.send_raw("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"detail":"Bad Request"})");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(r->header("X-Request-ID"));
  EXPECT_TRUE(c.wait_closed(3s));
  expect_still_serving();
}

TEST_F(Transport, OversizedHeaderBlockIs431) {
  HttpClient c(port());
  c.connect();
  c.send_raw("GET /heartbeat HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') +
             "\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->body, R"({"detail":"Request header fields too large"})");
  EXPECT_TRUE(c.wait_closed(3s));
  expect_still_serving();
}

TEST_F(Transport, HeaderBlockJustUnderTheLimitIsAccepted) {
  HttpClient c(port());
  EXPECT_EQ(c.get("/heartbeat", {{"X-Big", std::string(15 * 1024, 'a')}}).status, 200);
}

TEST_F(Transport, BodyOverLimitIs413BeforeReadingIt) {
  HttpClient c(port());
  c.connect();
  c.send_raw(
      "POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 4096\r\n\r\n" +
      std::string(4096, 'x'));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, R"j({"detail":"Request body too large (limit 2048 bytes)"})j");
  EXPECT_TRUE(c.wait_closed(5s));
  expect_still_serving();
}

TEST_F(Transport, ChunkedBodyOverLimitIs413) {
  HttpClient c(port());
  c.connect();
  std::string chunked = "POST /heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "400\r\n" + std::string(1024, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  c.send_raw(chunked);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  expect_still_serving();
}

TEST_F(Transport, BodyWithinLimitReachesTheRouter) {
  HttpClient c(port());
  const auto r = c.request("POST", "/heartbeat", {}, std::string(2000, ' '));
  EXPECT_EQ(r.status, 405);
}

TEST_F(Transport, BodyLongerThanContentLengthIsNotTakenAsARequest) {
  HttpClient c(port());
  c.connect();
  // Content-Length says 5, the client sends a longer JSON body: the excess is not part
  // of the first request; it is read as the next request, which is garbage.
  c.send_raw(
      "POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
      "{\"a\": \"longer than five bytes\"}\r\n\r\n");
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 405) << "the first request ends where Content-Length says";
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 400) << "the excess is an unparseable request";
  EXPECT_TRUE(c.wait_closed(3s));
  expect_still_serving();
}

TEST_F(Transport, BodyShorterThanContentLengthTimesOut) {
  HttpClient c(port());
  c.connect();
  c.send_raw("POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort");
  auto r = c.read_response(6s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(c.wait_closed(3s));
}

TEST_F(Transport, SlowHeadersOneByteASecondAreCutOff) {
  HttpClient slow(port());
  slow.connect();
  const std::string request = "GET /heartbeat HTTP/1.1\r\nHost: x\r\nX-Slow: yes\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  bool got_answer = false;
  for (char ch : request) {
    try {
      slow.send_raw(std::string(1, ch));
    } catch (const std::exception&) {
      break;  // the server already closed the connection
    }
    // Meanwhile everyone else is served.
    expect_still_serving();
    if (auto r = slow.read_response(1s)) {
      EXPECT_EQ(r->status, 408);
      EXPECT_EQ(r->body, R"({"detail":"Request timeout"})");
      got_answer = true;
      break;
    }
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(got_answer);
  EXPECT_LT(took, 6s) << "HEADER_TIMEOUT_SECONDS=2 bounds the whole header block";
  EXPECT_TRUE(slow.wait_closed(3s));
}

TEST_F(Transport, IdleKeepAliveConnectionIsClosedSilently) {
  HttpClient c(port());
  EXPECT_EQ(c.get("/heartbeat").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.wait_closed(6s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST_F(Transport, ConnectionCloseIsHonoured) {
  HttpClient c(port());
  c.connect();
  c.send_raw("GET /heartbeat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.wait_closed(2s));
}

TEST_F(Transport, BadPathParameterOfAProtectedRouteIsAuthenticatedFirst) {
  // As the reference (its auth dependencies run before FastAPI validates the path): no
  // credentials is a 401 even when the parameter is malformed. The 422 for an authenticated
  // caller is in users_itest (PathParameters.*).
  HttpClient c(port());
  EXPECT_EQ(c.request("DELETE", "/users/abc").status, 401);
  EXPECT_EQ(c.request("DELETE", "/users/%ff%fe").status, 401);
}

TEST_F(Transport, RejectionsAreCountedInMetrics) {
  {
    HttpClient c(port());
    c.connect();
    c.send_raw("GET /heartbeat HTTP/1.1\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n");
    ASSERT_EQ(c.read_response()->status, 431);
  }
  {
    HttpClient c(port());
    c.connect();
    c.send_raw("POST /heartbeat HTTP/1.1\r\nContent-Length: 999999\r\n\r\n");
    ASSERT_EQ(c.read_response()->status, 413);
  }
  HttpClient c(port());
  const auto m = c.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_TRUE(std::regex_search(
      m.body,
      std::regex(R"(api_template_http_rejected_total\{reason="headers_too_large"\} [1-9])")))
      << m.body;
  EXPECT_TRUE(std::regex_search(
      m.body, std::regex(R"(api_template_http_rejected_total\{reason="body_too_large"\} [1-9])")))
      << m.body;
}

TEST(TransportCaps, ConnectionCapAnswers503AndCloses) {
  GatehouseProcess server({{"MAX_CONNECTIONS", "2"}});
  server.start();
  HttpClient a(server.port());
  HttpClient b(server.port());
  ASSERT_EQ(a.get("/heartbeat").status, 200);
  ASSERT_EQ(b.get("/heartbeat").status, 200);
  HttpClient third(server.port());
  third.connect();
  auto r = third.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("Retry-After"), "1");
  EXPECT_TRUE(third.wait_closed(3s));
  a.close();
  // Once a slot is free, new connections are served again.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    HttpClient again(server.port());
    try {
      served = again.get("/heartbeat").status == 200;
    } catch (const std::exception&) {
    }
    if (!served) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace gatehouse::testing
