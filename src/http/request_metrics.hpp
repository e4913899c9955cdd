#pragma once
// The request metrics of prometheus-fastapi-instrumentator, as the FastAPI template exports
// them (docs/metrics.md): requests by method/status group/handler, request and response
// sizes, two latency histograms and the in-progress gauge. The handler label is the route
// template ("/users/{user_id}"), or "none" when no route matched; the method label of an
// unmatched request is a known method or "other". Label values never come from the client.
//
// Cost on the request path: two clock reads and a few relaxed atomic adds, no lock. Each
// route's children are resolved on its first request and kept in atomics beside it (per
// route the method is fixed and the status group is one of five); unmatched requests use a
// small fixed table per method.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/router.hpp"
#include "observability/metrics.hpp"

namespace gatehouse::http {

// The route template as FastAPI writes it: "/users/{user_id:int}" -> "/users/{user_id}".
std::string handler_label(std::string_view pattern);

// Index of the status group: 0 for 1xx … 4 for 5xx (anything outside 100-599 counts as 5xx).
std::size_t status_group(int status);
inline constexpr std::string_view kStatusGroups[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

// The method label of a request no route matched: one of these, else "other".
inline constexpr std::string_view kKnownMethods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                                     "PATCH", "DELETE", "OPTIONS"};
std::string_view bounded_method(std::string_view method);

// Excluded like the reference's excluded handlers: RouteOptions::untracked, "/metrics" and
// every template containing "heartbeat".
bool is_untracked(const Route& route);

class RequestMetrics {
 public:
  // The children of one (method, handler) pair, resolved on first use.
  struct Series {
    std::string method;
    std::string handler;
    bool tracked = true;
    std::array<std::atomic<obs::CounterChild*>, std::size(kStatusGroups)> requests{};
    std::atomic<obs::SummaryChild*> request_size{nullptr};
    std::atomic<obs::SummaryChild*> response_size{nullptr};
    std::atomic<obs::HistogramChild*> duration{nullptr};
    std::atomic<obs::GaugeChild*> in_progress{nullptr};
  };

  // What begin() hands to end(): null series when the request is not counted.
  struct Tracking {
    Series* series = nullptr;
    std::chrono::steady_clock::time_point started{};
  };

  // Disabled: begin() and end() do nothing and no family is registered. Enabled: registers
  // the families in `registry`. The router's routes must not change afterwards (a route is
  // found by its position in Router::routes()).
  RequestMetrics(const Router& router, bool enabled, obs::Registry& registry = obs::metrics());
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // Before the handler: counts the request in progress and starts its clock.
  Tracking begin(const Request& req);
  // After the response is complete: everything else, and out of progress.
  void end(const Tracking& tracking, const Request& req, const Response& resp);

 private:
  Series* series_for(const Request& req);
  obs::GaugeChild& in_progress(Series& s);

  const Router& router_;
  bool enabled_ = false;
  obs::Counter* requests_ = nullptr;
  obs::Summary* request_sizes_ = nullptr;
  obs::Summary* response_sizes_ = nullptr;
  obs::HistogramChild* latency_highr_ = nullptr;
  obs::Histogram* latency_ = nullptr;
  obs::Gauge* in_progress_ = nullptr;
  std::size_t route_count_ = 0;
  std::unique_ptr<Series[]> routes_;
  // kKnownMethods then "other".
  std::array<Series, std::size(kKnownMethods) + 1> unmatched_{};
};

}  // namespace gatehouse::http
