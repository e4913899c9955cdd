#include "observability/standard_metrics.hpp"

#include <iterator>

#include "observability/auth_metrics.hpp"
#include "observability/fixed_children.hpp"
#include "observability/metrics.hpp"
#include "observability/timing_metrics.hpp"

namespace gatehouse::obs {

namespace {

std::string& ns_storage() {
  static std::string ns = "api_template";
  return ns;
}

// NS<suffix>{label} with its `values` at 0.
template <std::size_t N>
FixedChildren<Counter, N> fixed_counter(std::string_view suffix, std::string_view help,
                                        std::string label, const std::string_view (&values)[N]) {
  return {metrics().counter(metrics_namespace() + std::string(suffix), help, {std::move(label)}),
          values};
}

// Every family of this file, registered together (in this order) on the first use of any,
// which comes after set_metrics_namespace.
struct StandardFamilies {
  FixedChildren<Counter, std::size(kRejectionReasons)> rejections =
      fixed_counter("_http_rejected_total",
                    "Requests refused by the transport before reaching a handler, by reason",
                    "reason", kRejectionReasons);
  // Codes appear as they happen: the table is long and most never occur.
  Counter& errors = metrics().counter(metrics_namespace() + "_errors_total",
                                      "Error answers by domain error code", {"code"});
  FixedChildren<Counter, std::size(kEmailStatuses)> emails =
      fixed_counter("_emails_total", "Email delivery attempts from the outbox, by outcome",
                    "status", kEmailStatuses);
  FixedChildren<Counter, std::size(kSharedStateStores)> shared_state_errors = fixed_counter(
      "_shared_state_errors_total",
      "Shared-state (Redis) operations that failed because the store was unreachable, by store",
      "store", kSharedStateStores);
  FixedChildren<Counter, std::size(kApiKeyValidationStatuses)> api_key_validations =
      fixed_counter("_api_key_validations_total", "Total API key validation attempts by status",
                    "status", kApiKeyValidationStatuses);
  FixedChildren<Counter, std::size(kCacheResults)> cache_lookups =
      fixed_counter("_cache_requests_total", "Response cache lookups of cached routes, by result",
                    "result", kCacheResults);
  // Its limits come from configuration: a pair is listed once it has refused a request.
  Counter& rate_limit_exceeded =
      metrics().counter(metrics_namespace() + "_rate_limit_exceeded_total",
                        "Total rate limit violations by endpoint and limit", {"endpoint", "limit"});
  FixedChildren<Counter, std::size(kWebhookStatuses)> webhook_deliveries =
      fixed_counter("_webhook_deliveries_total", "Webhook delivery attempts, by outcome", "status",
                    kWebhookStatuses);
};

StandardFamilies& families() {
  static StandardFamilies all;
  return all;
}

}  // namespace

void set_metrics_namespace(std::string ns) { ns_storage() = std::move(ns); }
const std::string& metrics_namespace() { return ns_storage(); }

void register_standard_metrics() {
  families();
  register_auth_metrics();
  register_timing_metrics();
}

void count_http_rejection(std::string_view reason) { families().rejections[reason].inc(); }

void count_error(std::string_view code) { families().errors.inc({code}); }

void count_email(std::string_view status) { families().emails[status].inc(); }

void count_shared_state_error(std::string_view store) {
  families().shared_state_errors[store].inc();
}

void count_api_key_validation(std::string_view status) {
  families().api_key_validations[status].inc();
}

void register_api_key_metrics() { families(); }

void count_cache_lookup(std::string_view result) { families().cache_lookups[result].inc(); }

void count_rate_limit_exceeded(std::string_view endpoint, std::string_view limit) {
  families().rate_limit_exceeded.inc({endpoint, limit});
}

void count_webhook_delivery(std::string_view status) {
  families().webhook_deliveries[status].inc();
}

}  // namespace gatehouse::obs
