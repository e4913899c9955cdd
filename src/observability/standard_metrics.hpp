#pragma once
// The application's metric families, named once here with the namespace of API_TITLE
// (docs/http-api.md §8 "Service routes"; docs/metrics.md lists them all). Call
// set_metrics_namespace() at start, then register_standard_metrics() when /metrics is served
// so every family shows its HELP and TYPE before the first event.
#include <string>
#include <string_view>

namespace gatehouse::obs {

// Lower-snake API_TITLE, e.g. "api_template". Must be called before the first metric use.
void set_metrics_namespace(std::string ns);
const std::string& metrics_namespace();

// Registers every family of this header, of auth_metrics.hpp and of timing_metrics.hpp, with
// their fixed label sets at 0.
void register_standard_metrics();

// …_http_rejected_total{reason=body_too_large|headers_too_large|timeout|overloaded|bad_request}
inline constexpr std::string_view kRejectionReasons[] = {
    "bad_request", "body_too_large", "headers_too_large", "timeout", "overloaded"};
void count_http_rejection(std::string_view reason);

// …_errors_total{code}: one error answer, by domain code (core/error.hpp's names: a fixed
// set, never client text).
void count_error(std::string_view code);

// …_emails_total{status=sent|failed|retried}: one outbox delivery attempt of an email
// (failed = given up for good, retried = failed and scheduled again).
inline constexpr std::string_view kEmailStatuses[] = {"sent", "failed", "retried"};
void count_email(std::string_view status);

// …_shared_state_errors_total{store=rate_limit|cache|replay_guard}: one operation
// on the shared-state store (Redis) that failed because the store could not be reached.
inline constexpr std::string_view kSharedStateStores[] = {"rate_limit", "cache", "replay_guard"};
void count_shared_state_error(std::string_view store);

// …_api_key_validations_total{status}: one X-API-Key check. The reference's statuses
// (invalid_format, not_found, inactive, user_banned, user_unverified, valid) plus expired.
inline constexpr std::string_view kApiKeyValidationStatuses[] = {
    "invalid_format", "not_found",       "inactive", "expired",
    "user_banned",    "user_unverified", "valid"};
void count_api_key_validation(std::string_view status);
// Registers the families of this header (that one among them) with their fixed label sets
// at 0, so /metrics lists them before the first use.
void register_api_key_metrics();

// …_cache_requests_total{result=hit|miss}: one response-cache lookup of a cached route.
inline constexpr std::string_view kCacheResults[] = {"hit", "miss"};
void count_cache_lookup(std::string_view result);

// …_rate_limit_exceeded_total{endpoint,limit}: one refused request. `endpoint` is the
// limit's name (login, register, user, ...) and `limit` its configured text ("5/15minutes"):
// both come from configuration, never from the request.
void count_rate_limit_exceeded(std::string_view endpoint, std::string_view limit);

// …_webhook_deliveries_total{status=delivered|failed|retried}: one webhook delivery attempt
// (webhooks/delivery_worker.hpp): delivered = a 2xx, retried = failed and scheduled again,
// failed = given up.
inline constexpr std::string_view kWebhookStatuses[] = {"delivered", "failed", "retried"};
void count_webhook_delivery(std::string_view status);

}  // namespace gatehouse::obs
