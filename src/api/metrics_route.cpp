#include "api/route_doc.hpp"
#include "api/routes.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::api {

void register_metrics_route(http::Router& router, const ApiContext& ctx) {
  if (!ctx.settings.metrics_enabled) return;
  // Every family lists its HELP and TYPE (and fixed label sets at 0) from the first scrape.
  obs::register_standard_metrics();
  add_route(router, "GET", "/metrics",
            {.tag = "Monitoring",
             .summary = "Prometheus metrics",
             .description = "The text exposition format 0.0.4. Never under API_ROOT.",
             .replies = {{200, "The metrics", "", "text/plain"}}},
            [](http::Request&) -> Result<http::Response> {
              return http::Response::text(200, obs::metrics().render(),
                                          std::string(obs::kMetricsContentType));
            },
            {.inline_handler = true, .untracked = true});
}

}  // namespace gatehouse::api
