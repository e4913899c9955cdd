// Service routes, routing rules and the headers every response carries (docs/http-api.md §1
// "Cross-cutting rules", §8 "Service routes").
#include <gtest/gtest.h>

#include <regex>

#include "auth_test_support.hpp"
#include "harness.hpp"

namespace gatehouse::testing {
namespace {

class ServiceRoutes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess(
        {{"CORS_ORIGINS", " https://app.example.com , https://b.example.com"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  HttpClient client() { return HttpClient(server_->port()); }
  static GatehouseProcess* server_;
};
GatehouseProcess* ServiceRoutes::server_ = nullptr;

TEST_F(ServiceRoutes, HeartbeatAnswersOkWithSecurityHeaders) {
  auto c = client();
  const auto r = c.get("/heartbeat");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");
  EXPECT_FALSE(r.header("Strict-Transport-Security").has_value());
  EXPECT_FALSE(r.header("Content-Security-Policy").has_value()) << "CSP is for HTML only";
}

TEST_F(ServiceRoutes, RequestIdIsGeneratedOrEchoedWhenSane) {
  auto c = client();
  const auto generated = c.get("/heartbeat");
  ASSERT_TRUE(generated.header("X-Request-ID"));
  EXPECT_TRUE(std::regex_match(
      *generated.header("X-Request-ID"),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_EQ(c.get("/heartbeat", {{"X-Request-ID", "abc.DEF_123-x"}}).header("X-Request-ID"),
            "abc.DEF_123-x");
  const auto insane = c.get("/heartbeat", {{"X-Request-ID", "bad id<script>"}});
  EXPECT_NE(insane.header("X-Request-ID"), "bad id<script>");
  EXPECT_EQ(insane.header("X-Request-ID")->size(), 36u);
  const auto too_long = c.get("/heartbeat", {{"X-Request-ID", std::string(129, 'a')}});
  EXPECT_EQ(too_long.header("X-Request-ID")->size(), 36u);
}

TEST_F(ServiceRoutes, UnknownPathIs404Json) {
  auto c = client();
  const auto r = c.get("/no/such/route");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
}

TEST_F(ServiceRoutes, WrongMethodIs405WithAllow) {
  auto c = client();
  const auto r = c.request("POST", "/heartbeat");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"detail":"Method Not Allowed"})");
  EXPECT_EQ(r.header("Allow"), "GET");
  EXPECT_EQ(c.request("HEAD", "/heartbeat").status, 405) << "HEAD is not added automatically";
}

TEST_F(ServiceRoutes, TrailingSlashMismatchRedirects307KeepingTheQuery) {
  auto c = client();
  const auto r = c.get("/heartbeat/?a=1&b=2");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), "/heartbeat?a=1&b=2");
  const auto post = c.request("POST", "/ready/");
  EXPECT_EQ(post.status, 307) << "the redirect does not depend on the method";
}

TEST_F(ServiceRoutes, ReadyReportsTheDatabase) {
  auto c = client();
  const auto r = c.get("/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok","database":"ok","redis":"disabled"})");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
}

TEST_F(ServiceRoutes, RootAnswersJsonToApiClients) {
  auto c = client();
  const auto r = c.get("/", {{"Accept", "*/*"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body,
      R"({"info":"Grant Ramsay (seapagan)'s API Template","repository":"https://github.com/seapagan/fastapi-template"})");
}

TEST_F(ServiceRoutes, RootAnswersHtmlToBrowsersWithCsp) {
  auto c = client();
  for (const auto& accept : std::vector<std::pair<std::string, std::string>>{
           {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}}) {
    const auto r = c.get("/", {accept});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.body.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(r.body.find("API Template"), std::string::npos);
    ASSERT_TRUE(r.header("Content-Security-Policy"));
    EXPECT_NE(r.header("Content-Security-Policy")->find("default-src 'self'"), std::string::npos);
  }
  // No Accept header at all counts as a browser, like the reference.
  EXPECT_EQ(c.get("/").header("Content-Type"), "text/html; charset=utf-8");
}

TEST_F(ServiceRoutes, FaviconAndStaticFilesAreServedFromTheBinary) {
  auto c = client();
  const auto icon = c.get("/favicon.ico");
  EXPECT_EQ(icon.status, 200);
  EXPECT_EQ(icon.header("Content-Type"), "image/vnd.microsoft.icon");
  EXPECT_GT(icon.body.size(), 100u);
  EXPECT_EQ(icon.body.substr(0, 4), std::string("\0\0\1\0", 4));
  const auto css = c.get("/static/site.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(c.get("/static/missing.css").status, 404);
}

TEST_F(ServiceRoutes, StaticPathsCannotEscapeTheFolder) {
  auto c = client();
  EXPECT_EQ(c.get("/static/../CMakeLists.txt").status, 404);
  EXPECT_EQ(c.get("/static/%2e%2e/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(c.get("/static//etc/passwd").status, 404);
}

TEST_F(ServiceRoutes, CorsEchoesAllowedOriginWithVary) {
  auto c = client();
  const auto r = c.get("/heartbeat", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(r.header("Vary"), "Origin");
  EXPECT_FALSE(r.header("Access-Control-Allow-Credentials").has_value());
  const auto second = c.get("/heartbeat", {{"Origin", "https://b.example.com"}});
  EXPECT_EQ(second.header("Access-Control-Allow-Origin"), "https://b.example.com")
      << "origins are trimmed";
  const auto other = c.get("/heartbeat", {{"Origin", "https://evil.example.com"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(other.header("Access-Control-Allow-Origin").has_value());
}

TEST_F(ServiceRoutes, CorsPreflightAllowedAndDisallowed) {
  auto c = client();
  const auto ok = c.request("OPTIONS", "/users/me",
                            {{"Origin", "https://app.example.com"},
                             {"Access-Control-Request-Method", "GET"},
                             {"Access-Control-Request-Headers", "authorization"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(ok.header("Access-Control-Allow-Headers"), "authorization");
  EXPECT_TRUE(ok.header("Access-Control-Allow-Methods"));
  const auto bad =
      c.request("OPTIONS", "/users/me",
                {{"Origin", "https://evil.example.com"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"detail":"Disallowed CORS origin"})");
}

TEST(ServiceRoutesConfig, ApiRootPrefixesApiRoutesOnly) {
  GatehouseProcess server({{"API_ROOT", "/api/v1/"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/api/v1/heartbeat").status, 200);
  EXPECT_EQ(c.get("/heartbeat").status, 404);
  EXPECT_EQ(c.get("/api/v1/ready").status, 200);
  EXPECT_EQ(c.get("/api/v1/", {{"Accept", "application/json"}}).status, 200);
  EXPECT_EQ(c.get("/api/v1/static/site.css").status, 200);
  const auto html = c.get("/api/v1/", {{"Accept", "text/html"}});
  EXPECT_NE(html.body.find("href=\"/api/v1/static/site.css\""), std::string::npos);
}

TEST(ServiceRoutesConfig, NoRootRouteRemovesHomeAndFavicon) {
  GatehouseProcess server({{"NO_ROOT_ROUTE", "true"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/", {{"Accept", "*/*"}}).status, 404);
  EXPECT_EQ(c.get("/favicon.ico").status, 404);
  EXPECT_EQ(c.get("/heartbeat").status, 200);
}

TEST(ServiceRoutesConfig, HstsHeaderWhenEnabled) {
  GatehouseProcess server({{"HSTS_ENABLED", "true"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/heartbeat").header("Strict-Transport-Security"),
            "max-age=63072000; includeSubDomains");
}

TEST(ServiceRoutesConfig, TrustedProxyForwardedForIsLoggedAsClient) {
  GatehouseProcess server({{"TRUSTED_PROXIES", "127.0.0.1"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(
      c.get("/heartbeat?marker=proxied", {{"X-Forwarded-For", "198.51.100.7, 127.0.0.1"}}).status,
      200);
  GatehouseProcess untrusted;
  untrusted.start();
  HttpClient u(untrusted.port());
  EXPECT_EQ(u.get("/heartbeat?marker=direct", {{"X-Forwarded-For", "198.51.100.7"}}).status, 200);
  server.stop();
  untrusted.stop();
  EXPECT_NE(server.log_text().find("198.51.100.7 - \"GET /heartbeat?marker=proxied\" 200"),
            std::string::npos)
      << server.log_text();
  EXPECT_NE(untrusted.log_text().find("127.0.0.1 - \"GET /heartbeat?marker=direct\" 200"),
            std::string::npos)
      << untrusted.log_text();
}

TEST(ServiceRoutesConfig, AccessLogRedactsSecretsInQueries) {
  GatehouseProcess server;
  server.start();
  HttpClient c(server.port());
  c.get("/heartbeat?code=s3cr3t-code&page=2&new_password=hunter2&api_key=pk_abc");
  server.stop();
  const std::string log = server.log_text();
  EXPECT_NE(log.find("code=REDACTED"), std::string::npos) << log;
  EXPECT_NE(log.find("page=2"), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cr3t-code"), std::string::npos) << log;
  EXPECT_EQ(log.find("hunter2"), std::string::npos) << log;
  EXPECT_EQ(log.find("pk_abc"), std::string::npos) << log;
  const std::regex line(
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| INFO     \| 127\.0\.0\.1 - "GET /heartbeat\?[^"]*" 200 \(\d+\.\d{3}s\))");
  EXPECT_TRUE(std::regex_search(log, line)) << log;
}

// Every error answer, the transport's own included, carries a stable domain code: at the end
// of its access-log line and in …_errors_total{code}. The body keeps its detail text.
TEST(ErrorCodes, LoggedAndCountedForEveryKindOfAnswer) {
  GatehouseProcess server({{"METRICS_ENABLED", "true"}});
  server.start();
  HttpClient c(server.port());
  const auto anonymous = c.get("/users/me");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(detail_of(anonymous), "Not authenticated. Use either JWT token or API key.");
  EXPECT_EQ(c.get("/no-such-route").status, 404);
  EXPECT_EQ(c.get("/users/me", {{"Authorization", "Bearer not-a-jwt"}}).status, 401);
  const std::string metrics = c.get("/metrics").body;
  server.stop();
  for (const char* code : {"not_authenticated", "not_found", "token_invalid"}) {
    EXPECT_NE(metrics.find("_errors_total{code=\"" + std::string(code) + "\"} 1"),
              std::string::npos)
        << code << "\n"
        << metrics;
  }
  const std::string log = server.log_text();
  EXPECT_NE(log.find("\"GET /users/me\" 401 ("), std::string::npos) << log;
  EXPECT_NE(log.find("s) error=not_authenticated"), std::string::npos) << log;
  EXPECT_NE(log.find("\"GET /no-such-route\" 404 ("), std::string::npos) << log;
  EXPECT_NE(log.find("s) error=not_found"), std::string::npos) << log;
  EXPECT_FALSE(std::regex_search(log, std::regex(R"( 200 \(\d+\.\d{3}s\) error=)")))
      << "a success carries no code: " << log;
}

}  // namespace
}  // namespace gatehouse::testing
