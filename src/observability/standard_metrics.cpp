#include "observability/standard_metrics.hpp"

#include "observability/metrics.hpp"

namespace gatehouse::obs {

namespace {
std::string& ns_storage() {
  static std::string ns = "api_template";
  return ns;
}
}  // namespace

void set_metrics_namespace(std::string ns) { ns_storage() = std::move(ns); }
const std::string& metrics_namespace() { return ns_storage(); }

void count_http_rejection(std::string_view reason) {
  static Counter& family = metrics().counter(
      metrics_namespace() + "_http_rejected_total",
      "Requests refused by the transport before reaching a handler, by reason", {"reason"});
  family.inc({reason});
}

void count_error(std::string_view code) {
  static Counter& family = metrics().counter(metrics_namespace() + "_errors_total",
                                             "Error answers by domain error code", {"code"});
  family.inc({code});
}

void count_email(std::string_view status) {
  static Counter& family =
      metrics().counter(metrics_namespace() + "_emails_total",
                        "Email delivery attempts from the outbox, by outcome", {"status"});
  family.inc({status});
}

namespace {
Counter& api_key_validations() {
  static Counter& family =
      metrics().counter(metrics_namespace() + "_api_key_validations_total",
                        "Total API key validation attempts by status", {"status"});
  return family;
}
}  // namespace

void count_api_key_validation(std::string_view status) { api_key_validations().inc({status}); }

void register_api_key_metrics() {
  for (const auto status : kApiKeyValidationStatuses) api_key_validations().with({status});
}

void count_shared_state_error(std::string_view store) {
  static Counter& family = metrics().counter(
      metrics_namespace() + "_shared_state_errors_total",
      "Shared-state (Redis) operations that failed because the store was unreachable, by store",
      {"store"});
  family.inc({store});
}

}  // namespace gatehouse::obs
