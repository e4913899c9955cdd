// Metrics registry: Prometheus text format 0.0.4 rendering and concurrency.
#include <cmath>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "observability/fixed_children.hpp"
#include "observability/metrics.hpp"
#include "observability/timing_metrics.hpp"

namespace obs = gatehouse::obs;

namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

// Every line of a 0.0.4 exposition: a HELP or TYPE comment, or a sample
// `name{label="value",...} value`.
void expect_valid_exposition(const std::string& text) {
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  const std::regex help(R"(^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  const std::regex type(R"(^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary)$)");
  const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")"
      R"((,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? ([-+]?[0-9.e+-]+|[+-]Inf|NaN)$)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    EXPECT_TRUE(std::regex_match(line, help) || std::regex_match(line, type) ||
                std::regex_match(line, sample))
        << line;
  }
}

}  // namespace

TEST(MetricsFormat, FormatsValuesLikePrometheusClient) {
  EXPECT_EQ(obs::format_metric_value(0), "0.0");
  EXPECT_EQ(obs::format_metric_value(1), "1.0");
  EXPECT_EQ(obs::format_metric_value(-2), "-2.0");
  EXPECT_EQ(obs::format_metric_value(0.25), "0.25");
  EXPECT_EQ(obs::format_metric_value(0.1), "0.1");
  EXPECT_EQ(obs::format_metric_value(1e-05), "1e-05");
  EXPECT_EQ(obs::format_metric_value(123456789), "123456789.0");
  EXPECT_EQ(obs::format_metric_value(1e16), "1e+16");
  EXPECT_EQ(obs::format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(obs::format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(obs::format_metric_value(std::nan("")), "NaN");
}

TEST(Metrics, UnlabelledCounterIsExposedAtZero) {
  obs::Registry registry;
  auto& requests = registry.counter("t_requests_total", "Total requests");
  EXPECT_EQ(registry.render(),
            "# HELP t_requests_total Total requests\n"
            "# TYPE t_requests_total counter\n"
            "t_requests_total 0.0\n");
  requests.inc();
  requests.inc({}, 2);
  requests.with({}).inc(0.5);
  EXPECT_EQ(registry.render(),
            "# HELP t_requests_total Total requests\n"
            "# TYPE t_requests_total counter\n"
            "t_requests_total 3.5\n");
}

TEST(Metrics, LabelledCounterRendersChildrenSorted) {
  obs::Registry registry;
  auto& rejected = registry.counter("api_template_http_rejected_total",
                                    "Requests rejected before routing", {"reason"});
  // HELP/TYPE appear before the first increment.
  EXPECT_EQ(registry.render(),
            "# HELP api_template_http_rejected_total Requests rejected before routing\n"
            "# TYPE api_template_http_rejected_total counter\n");
  auto& timeouts = rejected.with({"timeout"});
  timeouts.inc();
  rejected.inc({"overloaded"}, 3);
  rejected.with(std::vector<std::string>{"timeout"}).inc();
  EXPECT_EQ(&rejected.with({"timeout"}), &timeouts);
  EXPECT_EQ(timeouts.value(), 2.0);
  timeouts.inc(-5);  // counters never go down
  EXPECT_EQ(timeouts.value(), 2.0);
  EXPECT_EQ(registry.render(),
            "# HELP api_template_http_rejected_total Requests rejected before routing\n"
            "# TYPE api_template_http_rejected_total counter\n"
            "api_template_http_rejected_total{reason=\"overloaded\"} 3.0\n"
            "api_template_http_rejected_total{reason=\"timeout\"} 2.0\n");
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  obs::Registry registry;
  auto& c = registry.counter("t_total", "Help with \\ and\nnewline", {"a", "b"});
  c.inc({"x\"y", "back\\slash\nnl"});
  EXPECT_EQ(registry.render(),
            "# HELP t_total Help with \\\\ and\\nnewline\n"
            "# TYPE t_total counter\n"
            "t_total{a=\"x\\\"y\",b=\"back\\\\slash\\nnl\"} 1.0\n");
  expect_valid_exposition(registry.render());
}

TEST(Metrics, GaugeGoesUpAndDown) {
  obs::Registry registry;
  auto& inprogress = registry.gauge("t_http_requests_inprogress",
                                    "Number of HTTP requests in progress.", {"method", "handler"});
  auto& g = inprogress.with({"GET", "/users/"});
  g.inc();
  g.inc();
  g.dec();
  inprogress.with({"POST", "/login/"}).set(-1.5);
  EXPECT_EQ(registry.render(),
            "# HELP t_http_requests_inprogress Number of HTTP requests in progress.\n"
            "# TYPE t_http_requests_inprogress gauge\n"
            "t_http_requests_inprogress{method=\"GET\",handler=\"/users/\"} 1.0\n"
            "t_http_requests_inprogress{method=\"POST\",handler=\"/login/\"} -1.5\n");
}

TEST(Metrics, HistogramRendersCumulativeBucketsCountAndSum) {
  obs::Registry registry;
  auto& duration = registry.histogram("t_http_request_duration_seconds", "Request duration",
                                      {"method", "handler"}, {0.25, 0.5, 1.0});
  EXPECT_EQ(duration.upper_bounds().size(), 4u);
  EXPECT_TRUE(std::isinf(duration.upper_bounds().back()));
  auto& child = duration.with({"GET", "/"});
  for (double v : {0.125, 0.25 /* le is inclusive */, 0.375, 2.0}) child.observe(v);
  EXPECT_EQ(child.count(), 4u);
  EXPECT_EQ(child.sum(), 2.75);
  EXPECT_EQ(registry.render(),
            "# HELP t_http_request_duration_seconds Request duration\n"
            "# TYPE t_http_request_duration_seconds histogram\n"
            "t_http_request_duration_seconds_bucket{method=\"GET\",handler=\"/\",le=\"0.25\"} 2.0\n"
            "t_http_request_duration_seconds_bucket{method=\"GET\",handler=\"/\",le=\"0.5\"} 3.0\n"
            "t_http_request_duration_seconds_bucket{method=\"GET\",handler=\"/\",le=\"1.0\"} 3.0\n"
            "t_http_request_duration_seconds_bucket{method=\"GET\",handler=\"/\",le=\"+Inf\"} 4.0\n"
            "t_http_request_duration_seconds_count{method=\"GET\",handler=\"/\"} 4.0\n"
            "t_http_request_duration_seconds_sum{method=\"GET\",handler=\"/\"} 2.75\n");
  expect_valid_exposition(registry.render());
}

TEST(Metrics, UnlabelledHistogramAndExplicitInfBucket) {
  obs::Registry registry;
  auto& h = registry.histogram("t_highr_seconds", "Latency", {},
                               {0.1, std::numeric_limits<double>::infinity()});
  h.observe({}, 0.05);
  EXPECT_EQ(registry.render(),
            "# HELP t_highr_seconds Latency\n"
            "# TYPE t_highr_seconds histogram\n"
            "t_highr_seconds_bucket{le=\"0.1\"} 1.0\n"
            "t_highr_seconds_bucket{le=\"+Inf\"} 1.0\n"
            "t_highr_seconds_count 1.0\n"
            "t_highr_seconds_sum 0.05\n");
}

TEST(Metrics, SummaryHasCountAndSumOnly) {
  obs::Registry registry;
  auto& size = registry.summary("t_http_request_size_bytes", "Content length", {"handler"});
  size.observe({"/login/"}, 10);
  size.with({"/login/"}).observe(20);
  EXPECT_EQ(registry.render(),
            "# HELP t_http_request_size_bytes Content length\n"
            "# TYPE t_http_request_size_bytes summary\n"
            "t_http_request_size_bytes_count{handler=\"/login/\"} 2.0\n"
            "t_http_request_size_bytes_sum{handler=\"/login/\"} 30.0\n");
}

TEST(Metrics, FamiliesRenderInRegistrationOrder) {
  obs::Registry registry;
  registry.gauge("b_gauge", "B");
  registry.counter("a_total", "A");
  const std::string text = registry.render();
  EXPECT_LT(text.find("b_gauge"), text.find("a_total"));
  expect_valid_exposition(text);
}

TEST(Metrics, ReRegistrationReturnsTheSameFamilyOrThrows) {
  obs::Registry registry;
  auto& a = registry.counter("t_total", "help", {"status"});
  EXPECT_EQ(&registry.counter("t_total", "other help", {"status"}), &a);
  EXPECT_THROW(registry.counter("t_total", "help", {"reason"}), std::invalid_argument);
  EXPECT_THROW(registry.gauge("t_total", "help", {"status"}), std::invalid_argument);
  auto& h = registry.histogram("t_seconds", "h", {}, {1, 2});
  EXPECT_EQ(&registry.histogram("t_seconds", "h", {}, {1, 2}), &h);
  EXPECT_THROW(registry.histogram("t_seconds", "h", {}, {1, 3}), std::invalid_argument);
}

TEST(Metrics, RejectsInvalidDefinitionsAndLabelCounts) {
  obs::Registry registry;
  EXPECT_THROW(registry.counter("bad-name", "h"), std::invalid_argument);
  EXPECT_THROW(registry.counter("9lives", "h"), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "h", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "h", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h_seconds", "h", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h_seconds", "h", {}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(registry.summary("s_bytes", "h", {"quantile"}), std::invalid_argument);
  auto& c = registry.counter("c_total", "h", {"a", "b"});
  EXPECT_THROW(c.with({"only one"}), std::invalid_argument);
  EXPECT_THROW(c.inc({}), std::invalid_argument);
  // Failed registrations left nothing behind.
  EXPECT_EQ(registry.render(), "# HELP c_total h\n# TYPE c_total counter\n");
}

TEST(Metrics, ConcurrentIncrementsAreExact) {
  obs::Registry registry;
  auto& counter = registry.counter("t_total", "h", {"reason"});
  auto& hot = counter.with({"hot"});
  auto& histogram = registry.histogram("t_seconds", "h", {"worker"}, {0.5});
  constexpr int kThreads = 8;
  constexpr int kIterations = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = histogram.with({std::to_string(t % 2)});
      for (int i = 0; i < kIterations; ++i) {
        hot.inc();                                     // pre-resolved child
        if (i % 100 == 0) counter.inc({"looked_up"});  // lookup path under contention
        mine.observe(i % 2 == 0 ? 0.25 : 1.0);
        if (t == 0 && i % 20000 == 0) (void)registry.render();  // render while writing
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(hot.value(), static_cast<double>(kThreads) * kIterations);
  EXPECT_EQ(counter.with({"looked_up"}).value(), kThreads * (kIterations / 100));
  std::uint64_t total = 0;
  for (const char* w : {"0", "1"}) {
    auto counts = histogram.with({w}).cumulative_counts();
    EXPECT_EQ(counts[0] * 2, counts[1]);  // half the observations are <= 0.5
    total += counts[1];
  }
  EXPECT_EQ(total, static_cast<std::uint64_t>(kThreads) * kIterations);
  const std::string text = registry.render();
  EXPECT_NE(text.find("t_total{reason=\"hot\"} 800000.0\n"), std::string::npos);
  EXPECT_NE(text.find("t_seconds_count{worker=\"0\"} 400000.0\n"), std::string::npos);
  expect_valid_exposition(text);
}

TEST(Metrics, GlobalRegistryIsOneInstance) {
  EXPECT_EQ(&obs::metrics(), &obs::metrics());
  EXPECT_EQ(obs::kMetricsContentType, "text/plain; version=0.0.4; charset=utf-8");
}

// ---------------------------------------------------------------- fixed label sets

TEST(FixedChildren, RegistersEveryValueAtZeroAndResolvesOnce) {
  static constexpr std::string_view kValues[] = {"hit", "miss"};
  obs::Registry registry;
  auto& family = registry.counter("t_cache_total", "Cache lookups", {"result"});
  obs::FixedChildren counter(family, kValues);
  EXPECT_EQ(registry.render(),
            "# HELP t_cache_total Cache lookups\n"
            "# TYPE t_cache_total counter\n"
            "t_cache_total{result=\"hit\"} 0.0\n"
            "t_cache_total{result=\"miss\"} 0.0\n");
  counter["miss"].inc();
  counter["miss"].inc();
  counter["hit"].inc();
  EXPECT_EQ(&counter["hit"], &family.with({"hit"}));
  counter["stale"].inc();  // outside the list: still counted, as its own child
  EXPECT_EQ(family.with({"miss"}).value(), 2);
  EXPECT_EQ(family.with({"hit"}).value(), 1);
  EXPECT_EQ(family.with({"stale"}).value(), 1);
}

TEST(TimingMetrics, StatementKindIsTheFirstKeywordOrOther) {
  EXPECT_EQ(obs::db_statement_kind("SELECT id FROM users"), "select");
  EXPECT_EQ(obs::db_statement_kind("  \n\tinsert INTO users VALUES (?1)"), "insert");
  EXPECT_EQ(obs::db_statement_kind("UPDATE users SET x = 1"), "update");
  EXPECT_EQ(obs::db_statement_kind("DeLeTe FROM sessions"), "delete");
  EXPECT_EQ(obs::db_statement_kind("WITH x AS (SELECT 1) SELECT * FROM x"), "other");
  EXPECT_EQ(obs::db_statement_kind("SELECTED"), "other");
  EXPECT_EQ(obs::db_statement_kind(""), "other");
  EXPECT_EQ(obs::db_statement_kind("'; DROP TABLE users; --"), "other");
}

// ---------------------------------------------------------------- request metrics

TEST(RequestMetricsLabels, HandlerIsTheTemplateWithoutParameterTypes) {
  EXPECT_EQ(gatehouse::http::handler_label("/users/{user_id:int}"), "/users/{user_id}");
  EXPECT_EQ(gatehouse::http::handler_label("/users/keys/{key_id:uuid}/"), "/users/keys/{key_id}/");
  EXPECT_EQ(gatehouse::http::handler_label("/static/{file:path}"), "/static/{file}");
  EXPECT_EQ(gatehouse::http::handler_label("/a/{name}/b"), "/a/{name}/b");
  EXPECT_EQ(gatehouse::http::handler_label("/login"), "/login");
}

TEST(RequestMetricsLabels, StatusGroupsAndBoundedMethods) {
  using gatehouse::http::kStatusGroups;
  using gatehouse::http::status_group;
  EXPECT_EQ(kStatusGroups[status_group(101)], "1xx");
  EXPECT_EQ(kStatusGroups[status_group(200)], "2xx");
  EXPECT_EQ(kStatusGroups[status_group(307)], "3xx");
  EXPECT_EQ(kStatusGroups[status_group(499)], "4xx");
  EXPECT_EQ(kStatusGroups[status_group(503)], "5xx");
  EXPECT_EQ(kStatusGroups[status_group(0)], "5xx");
  EXPECT_EQ(kStatusGroups[status_group(999)], "5xx");
  EXPECT_EQ(gatehouse::http::bounded_method("PATCH"), "PATCH");
  EXPECT_EQ(gatehouse::http::bounded_method("BREW"), "other");
  EXPECT_EQ(gatehouse::http::bounded_method("get"), "other");
}

namespace {

namespace http = gatehouse::http;

gatehouse::Result<http::Response> ok_handler(http::Request&) {
  return http::Response::json(200, "{}");
}

// A router with one typed route, the heartbeat, /metrics and one route added as untracked.
struct RequestMetricsFixture {
  http::Router router;
  obs::Registry registry;
  RequestMetricsFixture() {
    router.add("GET", "/users/{user_id:int}", ok_handler);
    router.add("GET", "/heartbeat", ok_handler);
    router.add("GET", "/metrics", ok_handler);
    router.add("GET", "/internal", ok_handler, {.untracked = true});
  }
  // Runs one request through begin/end as the pipeline does.
  void serve(http::RequestMetrics& m, const std::string& method, const std::string& path,
             int status, std::string body = {}, std::string content_length = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    if (!content_length.empty()) req.headers.set("Content-Length", content_length);
    const http::Match match = router.match(method, path);
    req.route = match.route;
    const auto tracking = m.begin(req);
    http::Response resp;
    resp.status = status;
    resp.body = std::move(body);
    m.end(tracking, req, resp);
  }
};

}  // namespace

TEST(RequestMetrics, CountsRoutesByTemplateAndUnmatchedAsNone) {
  RequestMetricsFixture f;
  http::RequestMetrics m(f.router, true, f.registry);
  const std::string before = f.registry.render();
  // Families are listed before the first request, with the reference's names and types.
  for (const char* line :
       {"# TYPE api_template_http_requests_total counter\n",
        "# TYPE api_template_http_request_size_bytes summary\n",
        "# TYPE api_template_http_response_size_bytes summary\n",
        "# TYPE api_template_http_request_duration_highr_seconds histogram\n",
        "# TYPE api_template_http_request_duration_seconds histogram\n",
        "# HELP api_template_http_requests_inprogress Number of HTTP requests in progress.\n",
        "# TYPE api_template_http_requests_inprogress gauge\n"}) {
    EXPECT_TRUE(contains(before, line)) << line;
  }

  f.serve(m, "GET", "/users/12", 200, "12345", "7");
  f.serve(m, "GET", "/users/13", 200, "123");
  f.serve(m, "GET", "/users/abc", 422, "x");
  f.serve(m, "GET", "/no/such/path", 404, "nf");
  f.serve(m, "BREW", "/coffee", 404, "nf");
  f.serve(m, "GET", "/heartbeat", 200, "{}");
  f.serve(m, "GET", "/metrics", 200, "text");
  f.serve(m, "GET", "/internal", 200, "{}");

  const std::string text = f.registry.render();
  const char* expected[] = {
      R"(api_template_http_requests_total{method="GET",status="2xx",handler="/users/{user_id}"} 2.0)",
      R"(api_template_http_requests_total{method="GET",status="4xx",handler="/users/{user_id}"} 1.0)",
      R"(api_template_http_requests_total{method="GET",status="4xx",handler="none"} 1.0)",
      R"(api_template_http_requests_total{method="other",status="4xx",handler="none"} 1.0)",
      R"(api_template_http_request_size_bytes_count{handler="/users/{user_id}"} 3.0)",
      R"(api_template_http_request_size_bytes_sum{handler="/users/{user_id}"} 7.0)",
      R"(api_template_http_response_size_bytes_sum{handler="/users/{user_id}"} 9.0)",
      R"(api_template_http_response_size_bytes_sum{handler="none"} 4.0)",
      R"(api_template_http_request_duration_highr_seconds_count 5.0)",
      R"(api_template_http_request_duration_seconds_count{method="GET",handler="/users/{user_id}"} 3.0)",
      R"(api_template_http_requests_inprogress{method="GET",handler="/users/{user_id}"} 0.0)",
  };
  for (const char* line : expected) EXPECT_TRUE(contains(text, line)) << line << "\n" << text;
  for (const char* absent : {"/users/12", "/no/such/path", "/coffee", "BREW", "heartbeat",
                             "handler=\"/metrics\"", "/internal"}) {
    EXPECT_FALSE(contains(text, absent)) << absent << "\n" << text;
  }
  expect_valid_exposition(text);
}

TEST(RequestMetrics, HistogramBucketsAreTheReferences) {
  RequestMetricsFixture f;
  http::RequestMetrics m(f.router, true, f.registry);
  f.serve(m, "GET", "/users/1", 200);
  const std::string text = f.registry.render();
  std::string highr;
  for (const char* le :
       {"0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"}) {
    highr += std::string("api_template_http_request_duration_highr_seconds_bucket{le=\"") + le +
             "\"} 1.0\n";
  }
  EXPECT_TRUE(contains(text, highr)) << text;
  std::string lowr;
  for (const char* le : {"0.1", "0.5", "1.0", "+Inf"}) {
    lowr += std::string(
                "api_template_http_request_duration_seconds_bucket{method=\"GET\","
                "handler=\"/users/{user_id}\",le=\"") +
            le + "\"} 1.0\n";
  }
  EXPECT_TRUE(contains(text, lowr)) << text;
}

TEST(RequestMetrics, InProgressIsRaisedBetweenBeginAndEnd) {
  RequestMetricsFixture f;
  http::RequestMetrics m(f.router, true, f.registry);
  http::Request req;
  req.method = "GET";
  req.path = "/users/5";
  req.route = f.router.match("GET", "/users/5").route;
  const auto tracking = m.begin(req);
  auto& gauge = f.registry.gauge("api_template_http_requests_inprogress",
                                 "Number of HTTP requests in progress.", {"method", "handler"});
  EXPECT_EQ(gauge.with({"GET", "/users/{user_id}"}).value(), 1);
  m.end(tracking, req, http::Response::json(200, "{}"));
  EXPECT_EQ(gauge.with({"GET", "/users/{user_id}"}).value(), 0);
}

TEST(RequestMetrics, DisabledRegistersAndCountsNothing) {
  RequestMetricsFixture f;
  http::RequestMetrics m(f.router, false, f.registry);
  f.serve(m, "GET", "/users/1", 200);
  f.serve(m, "GET", "/nope", 404);
  EXPECT_EQ(f.registry.render(), "");
}
