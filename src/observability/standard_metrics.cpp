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

// Each family is registered on its first use (after set_metrics_namespace) and kept.
FixedChildren<Counter, std::size(kRejectionReasons)>& rejections() {
  static FixedChildren counter(
      metrics().counter(metrics_namespace() + "_http_rejected_total",
                        "Requests refused by the transport before reaching a handler, by reason",
                        {"reason"}),
      kRejectionReasons);
  return counter;
}

Counter& errors() {
  static Counter& family = metrics().counter(metrics_namespace() + "_errors_total",
                                             "Error answers by domain error code", {"code"});
  return family;
}

FixedChildren<Counter, std::size(kEmailStatuses)>& emails() {
  static FixedChildren counter(
      metrics().counter(metrics_namespace() + "_emails_total",
                        "Email delivery attempts from the outbox, by outcome", {"status"}),
      kEmailStatuses);
  return counter;
}

FixedChildren<Counter, std::size(kSharedStateStores)>& shared_state_errors() {
  static FixedChildren counter(
      metrics().counter(
          metrics_namespace() + "_shared_state_errors_total",
          "Shared-state (Redis) operations that failed because the store was unreachable, by store",
          {"store"}),
      kSharedStateStores);
  return counter;
}

FixedChildren<Counter, std::size(kApiKeyValidationStatuses)>& api_key_validations() {
  static FixedChildren counter(
      metrics().counter(metrics_namespace() + "_api_key_validations_total",
                        "Total API key validation attempts by status", {"status"}),
      kApiKeyValidationStatuses);
  return counter;
}

FixedChildren<Counter, std::size(kCacheResults)>& cache_lookups() {
  static FixedChildren counter(
      metrics().counter(metrics_namespace() + "_cache_requests_total",
                        "Response cache lookups of cached routes, by result", {"result"}),
      kCacheResults);
  return counter;
}

Counter& rate_limit_exceeded() {
  static Counter& family =
      metrics().counter(metrics_namespace() + "_rate_limit_exceeded_total",
                        "Total rate limit violations by endpoint and limit", {"endpoint", "limit"});
  return family;
}

FixedChildren<Counter, std::size(kWebhookStatuses)>& webhook_deliveries() {
  static FixedChildren counter(
      metrics().counter(metrics_namespace() + "_webhook_deliveries_total",
                        "Webhook delivery attempts, by outcome", {"status"}),
      kWebhookStatuses);
  return counter;
}

}  // namespace

void set_metrics_namespace(std::string ns) { ns_storage() = std::move(ns); }
const std::string& metrics_namespace() { return ns_storage(); }

void register_standard_metrics() {
  // Building a FixedChildren registers its values at 0.
  rejections();
  errors();  // codes appear as they happen: the table is long and most never occur
  emails();
  shared_state_errors();
  api_key_validations();
  cache_lookups();
  rate_limit_exceeded();  // its limits come from configuration: listed once exceeded
  webhook_deliveries();
  register_auth_metrics();
  register_timing_metrics();
}

void count_http_rejection(std::string_view reason) { rejections()[reason].inc(); }

void count_error(std::string_view code) { errors().inc({code}); }

void count_email(std::string_view status) { emails()[status].inc(); }

void count_shared_state_error(std::string_view store) { shared_state_errors()[store].inc(); }

void count_api_key_validation(std::string_view status) { api_key_validations()[status].inc(); }

void register_api_key_metrics() { api_key_validations(); }

void count_cache_lookup(std::string_view result) { cache_lookups()[result].inc(); }

void count_rate_limit_exceeded(std::string_view endpoint, std::string_view limit) {
  rate_limit_exceeded().inc({endpoint, limit});
}

void count_webhook_delivery(std::string_view status) { webhook_deliveries()[status].inc(); }

}  // namespace gatehouse::obs
