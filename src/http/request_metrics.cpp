#include "http/request_metrics.hpp"

#include <charconv>
#include <functional>
#include <initializer_list>
#include <vector>

#include "observability/standard_metrics.hpp"

namespace gatehouse::http {

namespace {

// prometheus-fastapi-instrumentator's defaults, as the reference configures them.
const std::vector<double> kHighResolutionBuckets = {0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,  1.0,   2.5,  5.0, 10.0};
const std::vector<double> kLowResolutionBuckets = {0.1, 0.5, 1.0};

constexpr std::string_view kNoHandler = "none";
constexpr std::string_view kOtherMethod = "other";

// The child in `slot`, looked up in `family` (which takes its lock) only the first time.
// Two threads racing on a null slot get the same child from the registry.
template <class Child, class Family>
Child& resolve(std::atomic<Child*>& slot, Family& family,
               std::initializer_list<std::string_view> labels) {
  Child* child = slot.load(std::memory_order_acquire);
  if (child == nullptr) {
    child = &family.with(labels);
    slot.store(child, std::memory_order_release);
  }
  return *child;
}

// Content-Length as sent (the reference reads the header, not the body); 0 when absent or
// unparsable (the transport has already refused a malformed one).
double content_length(const Request& req) {
  const auto header = req.headers.get("Content-Length");
  if (!header) return 0;
  unsigned long long n = 0;
  const auto [ptr, ec] = std::from_chars(header->data(), header->data() + header->size(), n);
  return ec == std::errc() && ptr == header->data() + header->size() ? static_cast<double>(n) : 0.0;
}

}  // namespace

std::string handler_label(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_param = false;
  bool in_type = false;
  for (const char c : pattern) {
    if (c == '{') in_param = true;
    if (c == '}') in_param = in_type = false;
    if (in_param && c == ':') in_type = true;
    if (!in_type) out += c;
  }
  return out;
}

std::size_t status_group(int status) {
  if (status < 100 || status >= 600) return 4;
  return static_cast<std::size_t>(status / 100 - 1);
}

std::string_view bounded_method(std::string_view method) {
  for (const auto known : kKnownMethods) {
    if (method == known) return known;
  }
  return kOtherMethod;
}

bool is_untracked(const Route& route) {
  return route.options.untracked || route.pattern == "/metrics" ||
         route.pattern.find("heartbeat") != std::string::npos;
}

RequestMetrics::RequestMetrics(const Router& router, bool enabled, obs::Registry& registry)
    : router_(router), enabled_(enabled) {
  if (!enabled_) return;
  const std::string& ns = obs::metrics_namespace();
  requests_ = &registry.counter(ns + "_http_requests_total",
                                "Total number of requests by method, status and handler.",
                                {"method", "status", "handler"});
  request_sizes_ = &registry.summary(
      ns + "_http_request_size_bytes",
      "Content length of incoming requests by handler. Only value of header is respected. "
      "Otherwise ignored. No percentile calculated. ",
      {"handler"});
  response_sizes_ = &registry.summary(
      ns + "_http_response_size_bytes",
      "Content length of outgoing responses by handler. Only value of header is respected. "
      "Otherwise ignored. No percentile calculated. ",
      {"handler"});
  latency_highr_ = &registry
                        .histogram(ns + "_http_request_duration_highr_seconds",
                                   "Latency with many buckets but no API specific labels. Made "
                                   "for more accurate percentile calculations. ",
                                   {}, kHighResolutionBuckets)
                        .with({});
  latency_ = &registry.histogram(ns + "_http_request_duration_seconds",
                                 "Latency with only few buckets by handler. Made to be only "
                                 "used if aggregation by handler is important. ",
                                 {"method", "handler"}, kLowResolutionBuckets);
  in_progress_ = &registry.gauge(ns + "_http_requests_inprogress",
                                 "Number of HTTP requests in progress.", {"method", "handler"});

  const auto& routes = router.routes();
  route_count_ = routes.size();
  routes_ = std::make_unique<Series[]>(route_count_);
  for (std::size_t i = 0; i < route_count_; ++i) {
    routes_[i].method = routes[i].method;
    routes_[i].handler = handler_label(routes[i].pattern);
    routes_[i].tracked = !is_untracked(routes[i]);
  }
  for (std::size_t i = 0; i < std::size(kKnownMethods); ++i) {
    unmatched_[i].method = std::string(kKnownMethods[i]);
    unmatched_[i].handler = std::string(kNoHandler);
  }
  unmatched_.back().method = std::string(kOtherMethod);
  unmatched_.back().handler = std::string(kNoHandler);
}

RequestMetrics::~RequestMetrics() = default;

RequestMetrics::Series* RequestMetrics::series_for(const Request& req) {
  if (req.route == nullptr) {
    const std::string_view method = bounded_method(req.method);
    for (std::size_t i = 0; i < std::size(kKnownMethods); ++i) {
      if (kKnownMethods[i] == method) return &unmatched_[i];
    }
    return &unmatched_.back();
  }
  const Route* first = router_.routes().data();
  // std::less: a total order even for a route outside the array (one added later).
  const std::less<const Route*> before;
  if (before(req.route, first) || !before(req.route, first + route_count_)) return nullptr;
  Series& s = routes_[static_cast<std::size_t>(req.route - first)];
  return s.tracked ? &s : nullptr;
}

obs::GaugeChild& RequestMetrics::in_progress(Series& s) {
  return resolve(s.in_progress, *in_progress_, {s.method, s.handler});
}

RequestMetrics::Tracking RequestMetrics::begin(const Request& req) {
  if (!enabled_) return {};
  Series* s = series_for(req);
  if (s == nullptr) return {};
  in_progress(*s).inc();
  return {s, std::chrono::steady_clock::now()};
}

void RequestMetrics::end(const Tracking& tracking, const Request& req, const Response& resp) {
  Series* s = tracking.series;
  if (s == nullptr) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - tracking.started).count();
  const std::size_t group = status_group(resp.status);
  resolve(s->requests[group], *requests_, {s->method, kStatusGroups[group], s->handler}).inc();
  resolve(s->request_size, *request_sizes_, {s->handler}).observe(content_length(req));
  resolve(s->response_size, *response_sizes_, {s->handler})
      .observe(static_cast<double>(resp.body.size()));
  latency_highr_->observe(seconds);
  resolve(s->duration, *latency_, {s->method, s->handler}).observe(seconds);
  in_progress(*s).dec();
}

}  // namespace gatehouse::http
