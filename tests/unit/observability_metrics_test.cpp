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

#include "observability/metrics.hpp"

namespace obs = gatehouse::obs;

namespace {

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
