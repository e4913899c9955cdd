// CurlWebhookPoster against a real loopback HTTP server (tests/support/scripted_http_server.hpp):
// what it sends, and what it reports for a 2xx, a 5xx, a 429 with Retry-After, a redirect (not
// followed), an answer past the timeout, an answer cut short, no answer, and a refused
// connection. endpoint_host too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "support/scripted_http_server.hpp"
#include "webhooks/webhook_poster.hpp"

namespace gatehouse::webhooks {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedHttpServer;

const store::Timestamp kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + 19h;  // a Sunday

PostRequest request_to(const std::string& url) {
  PostRequest r;
  r.url = url;
  r.headers = {{"content-type", "application/json"}, {"webhook-id", "msg_1"}};
  r.body = R"({"type":"user.banned"})";
  return r;
}

CurlWebhookPoster poster(std::chrono::milliseconds timeout = 2s) {
  CurlPosterOptions o;
  o.timeout = timeout;
  o.connect_timeout = std::min<std::chrono::milliseconds>(timeout, 1s);
  o.max_response_bytes = 1024;
  return CurlWebhookPoster(o, [] { return kNow; });
}

// POSTs to a fresh server that answers with `reply`.
PostResult post_answered(ScriptedHttpServer::Reply reply, std::chrono::milliseconds timeout = 2s) {
  ScriptedHttpServer server;
  server.reply_with(std::move(reply));
  return poster(timeout).post(request_to(server.url()));
}

// No complete answer: no status, and an error text to log.
void expect_transport_error(const PostResult& r, const std::string& mentions) {
  EXPECT_FALSE(r.delivered());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find(mentions), std::string::npos) << r.error;
  EXPECT_EQ(r.describe(), r.error);
}

TEST(WebhookPoster, PostsTheBodyWithTheGivenHeaders) {
  ScriptedHttpServer server;
  server.reply_with({ScriptedHttpServer::response(200, "", "thanks"), 0ms});
  const PostResult r = poster().post(request_to(server.url("/hooks/a?token=x")));
  EXPECT_TRUE(r.delivered()) << r.describe();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.describe(), "HTTP 200");
  ASSERT_EQ(server.requests().size(), 1u);
  const auto got = server.requests().front();
  EXPECT_EQ(got.head.rfind("POST /hooks/a?token=x HTTP/1.1\r\n", 0), 0u) << got.head;
  EXPECT_NE(got.head.find("\r\ncontent-type: application/json\r\n"), std::string::npos);
  EXPECT_NE(got.head.find("\r\nwebhook-id: msg_1\r\n"), std::string::npos);
  EXPECT_EQ(got.head.find("Expect:"), std::string::npos);
  EXPECT_EQ(got.head.find("x-www-form-urlencoded"), std::string::npos);
  EXPECT_EQ(got.body, R"({"type":"user.banned"})");
}

TEST(WebhookPoster, AnyTwoHundredIsADelivery) {
  EXPECT_TRUE(post_answered({ScriptedHttpServer::response(204), 0ms}).delivered());
}

TEST(WebhookPoster, AServerErrorIsReportedWithItsStatus) {
  const PostResult r = post_answered({ScriptedHttpServer::response(500, "", "boom"), 0ms});
  EXPECT_FALSE(r.delivered());
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.describe(), "HTTP 500");
  EXPECT_FALSE(r.retry_after);
}

TEST(WebhookPoster, RetryAfterInSecondsAndAsADate) {
  ScriptedHttpServer server;
  server.reply_with({ScriptedHttpServer::response(429, "Retry-After: 3\r\n"), 0ms});
  PostResult r = poster().post(request_to(server.url()));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, 3s);

  // 90 s after the poster's clock.
  server.reply_with(
      {ScriptedHttpServer::response(503, "retry-after: Sun, 06 Dec 2026 19:01:30 GMT\r\n"), 0ms});
  r = poster().post(request_to(server.url()));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.retry_after, 90s);

  server.reply_with({ScriptedHttpServer::response(503, "Retry-After: soon\r\n"), 0ms});
  EXPECT_FALSE(poster().post(request_to(server.url())).retry_after);
}

TEST(WebhookPoster, ARedirectIsNotFollowed) {
  ScriptedHttpServer target;
  ScriptedHttpServer server;
  server.reply_with({ScriptedHttpServer::response(302, "Location: " + target.url() + "\r\n"), 0ms});
  const PostResult r = poster().post(request_to(server.url()));
  EXPECT_FALSE(r.delivered());
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.describe(), "HTTP 302");
  EXPECT_TRUE(target.requests().empty());
}

TEST(WebhookPoster, AnAnswerPastTheTimeoutIsATransportError) {
  const auto start = std::chrono::steady_clock::now();
  const PostResult r = post_answered({ScriptedHttpServer::response(200), 5s}, 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  expect_transport_error(r, "timed out");
}

TEST(WebhookPoster, AnAnswerCutShortIsAFailureEvenWithA200) {
  expect_transport_error(
      post_answered({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", 0ms}),
      "after status 200");
}

TEST(WebhookPoster, NoAnswerAtAllIsATransportError) {
  expect_transport_error(post_answered({"", 0ms}), "Empty reply");
}

TEST(WebhookPoster, ARefusedConnectionIsATransportError) {
  int holder = -1;
  const int port = ScriptedHttpServer::refused_port(holder);
  const PostResult r =
      poster().post(request_to("http://127.0.0.1:" + std::to_string(port) + "/hook"));
  ::close(holder);
  expect_transport_error(r, "127.0.0.1");
  EXPECT_EQ(r.error.find("/hook"), std::string::npos) << r.error;
}

TEST(WebhookPoster, ALongAnswerIsCutAndItsStatusCounts) {
  const PostResult r =
      post_answered({ScriptedHttpServer::response(200, "", std::string(100'000, 'x')), 0ms});
  EXPECT_TRUE(r.delivered()) << r.describe();
}

TEST(WebhookPoster, OnlyHttpAndHttps) {
  const PostResult r = poster().post(request_to("ftp://127.0.0.1/hook"));
  EXPECT_FALSE(r.delivered());
  EXPECT_FALSE(r.error.empty());
}

TEST(WebhookPoster, ProxyVariablesAreIgnored) {
  ScriptedHttpServer server;
  int holder = -1;
  const std::string dead_proxy =
      "http://127.0.0.1:" + std::to_string(ScriptedHttpServer::refused_port(holder));
  ::setenv("http_proxy", dead_proxy.c_str(), 1);
  ::setenv("ALL_PROXY", dead_proxy.c_str(), 1);
  const PostResult r = poster().post(request_to(server.url()));
  ::unsetenv("http_proxy");
  ::unsetenv("ALL_PROXY");
  ::close(holder);
  EXPECT_TRUE(r.delivered()) << r.describe();
}

TEST(WebhookPoster, TimeoutsComeFromTheSettings) {
  config::WebhookSettings s;
  EXPECT_EQ(curl_poster_options(s).timeout, 10s);
  EXPECT_EQ(curl_poster_options(s).connect_timeout, 5s);
  s.timeout_seconds = 2;
  EXPECT_EQ(curl_poster_options(s).timeout, 2s);
  EXPECT_EQ(curl_poster_options(s).connect_timeout, 2s);
}

TEST(WebhookPoster, EndpointHostLeavesOutCredentialsPathAndQuery) {
  EXPECT_EQ(endpoint_host("https://hooks.example.com/services/T0/B0/secret"), "hooks.example.com");
  EXPECT_EQ(endpoint_host("http://user:pw@example.com:8443/p?token=x"), "example.com:8443");
  EXPECT_EQ(endpoint_host("http://[::1]:9000#frag"), "[::1]:9000");
  EXPECT_EQ(endpoint_host("https://example.com?x=1"), "example.com");
  EXPECT_EQ(endpoint_host("not a url"), "?");
  EXPECT_EQ(endpoint_host("http:///path"), "?");
}

}  // namespace
}  // namespace gatehouse::webhooks
