// /metrics over HTTP, on both backends (docs/metrics.md; docs/http-api.md §8 "Service
// routes"): the FastAPI template's request metrics and business counters under the
// namespace of API_TITLE, bounded handler labels, untracked routes, and promtool's verdict.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPromtool = "/usr/bin/promtool";

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

// The value of the sample `series` (name{labels} exactly), or -1 when absent.
double sample(const std::string& text, const std::string& series) {
  const std::string prefix = "\n" + series + " ";
  const auto at = text.find(prefix);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + prefix.size()));
}

// Every distinct value of label `label` in the samples of `metric` (any suffix).
std::set<std::string> label_values(const std::string& text, const std::string& metric,
                                   const std::string& label) {
  std::set<std::string> out;
  const std::regex re("^" + metric + R"([a-z_]*\{.*\b)" + label + R"(="([^"]*)\")");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, re)) out.insert(m[1]);
  }
  return out;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// `promtool check metrics` on `text`, through a file on stdin.
CommandResult promtool_check(const std::string& text) {
  const std::string dir = make_temp_dir();
  const std::string file = dir + "/metrics.txt";
  std::ofstream(file) << text;
  CommandResult r;
  const std::string command = std::string(kPromtool) + " check metrics < " + file + " 2>&1";
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  remove_tree(dir);
  return r;
}

TEST(Metrics, TemplateFamiliesWithBoundedLabelsPassPromtool) {
  // Fails rather than skips: promtool is part of the toolchain (scripts/bootstrap).
  ASSERT_EQ(::access(kPromtool, X_OK), 0) << kPromtool << " is missing: run scripts/bootstrap";

  GatehouseProcess server{{"METRICS_ENABLED", "true"}, {"API_TITLE", "My Api"}};
  server.start();
  HttpClient c(server.port());

  const TestUser u = verified_login(server, c, "metrics");  // a successful login
  EXPECT_EQ(login_request(c, u.email, "Wrong-Password-1").status, 400);
  EXPECT_EQ(login_request(c, unique_email("nobody"), kPassword).status, 400);
  EXPECT_EQ(c.get("/users/me", bearer("not.a.token")).status, 401);
  const auto key = c.request("POST", "/users/keys", u.auth(), to_json(json::object{{"name", "m"}}));
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string raw(parse_json(key.body).as_object().at("key").as_string());
  EXPECT_EQ(c.get("/users/me", {{"X-API-Key", raw}}).status, 200);
  // An admin route for a plain user: 403, counted under the template of /users/{user_id:int}/…
  EXPECT_EQ(c.get("/users/" + std::to_string(u.id) + "/sessions", u.auth()).status, 403);
  const std::string random_path = "/random-" + random_hex(8) + "/x";
  EXPECT_EQ(c.get(random_path).status, 404);
  EXPECT_EQ(c.request("BREW", "/" + random_hex(6)).status, 404);
  EXPECT_EQ(c.get("/heartbeat").status, 200);
  EXPECT_EQ(c.get("/metrics").status, 200);  // a first scrape: must not be counted either

  const HttpResponse m = c.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& t = m.body;

  // Every family, under the namespace of API_TITLE "My Api".
  const std::pair<const char*, const char*> families[] = {
      {"my_api_http_requests_total", "counter"},
      {"my_api_http_request_size_bytes", "summary"},
      {"my_api_http_response_size_bytes", "summary"},
      {"my_api_http_request_duration_highr_seconds", "histogram"},
      {"my_api_http_request_duration_seconds", "histogram"},
      {"my_api_http_requests_inprogress", "gauge"},
      {"my_api_auth_failures_total", "counter"},
      {"my_api_api_key_validations_total", "counter"},
      {"my_api_login_attempts_total", "counter"},
      {"my_api_rate_limit_exceeded_total", "counter"},
      {"my_api_password_hash_seconds", "histogram"},
      {"my_api_db_query_seconds", "histogram"},
      {"my_api_cache_requests_total", "counter"},
      {"my_api_webhook_deliveries_total", "counter"},
      {"my_api_emails_total", "counter"},
      {"my_api_http_rejected_total", "counter"},
      {"my_api_errors_total", "counter"},
  };
  for (const auto& [name, type] : families) {
    EXPECT_TRUE(has_line(t, std::string("# TYPE ") + name + " " + type)) << name << "\n" << t;
  }
  EXPECT_TRUE(has_line(t,
                       "# HELP my_api_http_requests_inprogress Number of HTTP requests in "
                       "progress."));
  EXPECT_TRUE(has_line(t,
                       "# HELP my_api_auth_failures_total Total authentication failures by "
                       "reason and method"));
  EXPECT_TRUE(has_line(t, "# HELP my_api_login_attempts_total Total login attempts by status"));
  EXPECT_EQ(t.find("api_template_"), std::string::npos);

  // Request metrics: route templates as handler, grouped statuses.
  EXPECT_GE(
      sample(t, R"(my_api_http_requests_total{method="POST",status="2xx",handler="/login/"})"), 1);
  EXPECT_GE(
      sample(t, R"(my_api_http_requests_total{method="POST",status="4xx",handler="/login/"})"), 2);
  EXPECT_EQ(
      sample(
          t,
          R"(my_api_http_requests_total{method="GET",status="4xx",handler="/users/{user_id}/sessions"})"),
      1);
  EXPECT_GE(sample(t, R"(my_api_http_requests_total{method="GET",status="4xx",handler="none"})"),
            1);
  EXPECT_EQ(sample(t, R"(my_api_http_requests_total{method="other",status="4xx",handler="none"})"),
            1);
  EXPECT_GE(sample(t, R"(my_api_http_request_size_bytes_sum{handler="/login/"})"), 10);
  EXPECT_GE(sample(t, R"(my_api_http_response_size_bytes_sum{handler="none"})"), 1);
  EXPECT_EQ(sample(t, R"(my_api_http_requests_inprogress{method="GET",handler="/users/me"})"), 0);
  EXPECT_GE(sample(t, "my_api_http_request_duration_highr_seconds_count"), 8);

  // Unknown paths never become label values; /metrics and /heartbeat are not tracked.
  EXPECT_EQ(t.find(random_path), std::string::npos);
  EXPECT_EQ(t.find("BREW"), std::string::npos);
  EXPECT_EQ(t.find("heartbeat"), std::string::npos);
  for (const auto& h : label_values(t, "my_api_http_", "handler")) {
    EXPECT_TRUE(h == "none" || (h.starts_with('/') && h.find("random") == std::string::npos)) << h;
    EXPECT_NE(h, "/metrics");
  }
  for (const auto& method : label_values(t, "my_api_http_", "method")) {
    EXPECT_TRUE(method == "GET" || method == "POST" || method == "other") << method;
  }

  // Business counters, with the reference's label values.
  EXPECT_GE(sample(t, R"(my_api_login_attempts_total{status="success"})"), 1);
  EXPECT_EQ(sample(t, R"(my_api_login_attempts_total{status="invalid_password"})"), 1);
  EXPECT_EQ(sample(t, R"(my_api_login_attempts_total{status="not_found"})"), 1);
  EXPECT_EQ(sample(t, R"(my_api_login_attempts_total{status="banned"})"), 0);
  EXPECT_EQ(sample(t, R"(my_api_auth_failures_total{reason="invalid_token",method="jwt"})"), 1);
  EXPECT_EQ(sample(t, R"(my_api_auth_failures_total{reason="expired_token",method="jwt"})"), 0);
  EXPECT_EQ(sample(t, R"(my_api_api_key_validations_total{status="valid"})"), 1);
  EXPECT_EQ(sample(t, R"(my_api_webhook_deliveries_total{status="delivered"})"), 0);
  EXPECT_GE(sample(t, R"(my_api_password_hash_seconds_count{operation="verify"})"), 3);
  EXPECT_GE(sample(t, R"(my_api_password_hash_seconds_count{operation="hash"})"), 1);
  EXPECT_GE(sample(t, R"(my_api_db_query_seconds_count{statement="select"})"), 1);
  EXPECT_GE(sample(t, R"(my_api_db_query_seconds_count{statement="insert"})"), 1);
  for (const auto& reason : label_values(t, "my_api_auth_failures_total", "reason")) {
    EXPECT_TRUE(reason == "invalid_token" || reason == "expired_token" ||
                reason == "user_not_found" || reason == "banned_user" ||
                reason == "unverified_user" || reason == "already_verified")
        << reason;
  }

  const CommandResult lint = promtool_check(t);
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  EXPECT_EQ(lint.output, "") << t;
}

TEST(Metrics, DisabledMetricsRouteIsNotFound) {
  GatehouseProcess server{{"METRICS_ENABLED", "false"}};
  server.start();
  HttpClient c(server.port());
  const auto r = c.get("/metrics");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
}

}  // namespace
}  // namespace gatehouse::testing
