#include "api/routes.hpp"
#include "observability/metrics.hpp"

namespace gatehouse::api {

void register_metrics_route(http::Router& router, const ApiContext& ctx) {
  if (!ctx.settings.metrics_enabled) return;
  router.add("GET", "/metrics",
             [](http::Request&) -> Result<http::Response> {
               return http::Response::text(200, obs::metrics().render(),
                                           std::string(obs::kMetricsContentType));
             },
             {.inline_handler = true, .untracked = true});
}

}  // namespace gatehouse::api
