#pragma once
// The application's metric families, named once here with the namespace of API_TITLE
// (docs/http-api.md §8 "Service routes"). Call set_metrics_namespace() at start.
#include <string>
#include <string_view>

namespace gatehouse::obs {

// Lower-snake API_TITLE, e.g. "api_template". Must be called before the first metric use.
void set_metrics_namespace(std::string ns);
const std::string& metrics_namespace();

// …_http_rejected_total{reason=body_too_large|headers_too_large|timeout|overloaded|bad_request}
void count_http_rejection(std::string_view reason);

// …_errors_total{code}: one error answer, by domain code (core/error.hpp's names: a fixed
// set, never client text).
void count_error(std::string_view code);

// …_emails_total{status=sent|failed|retried}: one outbox delivery attempt of an email
// (failed = given up for good, retried = failed and scheduled again).
void count_email(std::string_view status);

// …_shared_state_errors_total{store=rate_limit|cache|replay_guard}: one operation
// on the shared-state store (Redis) that failed because the store could not be reached.
void count_shared_state_error(std::string_view store);

// …_api_key_validations_total{status}: one X-API-Key check. The reference's statuses
// (invalid_format, not_found, inactive, user_banned, user_unverified, valid) plus expired.
inline constexpr std::string_view kApiKeyValidationStatuses[] = {
    "invalid_format", "not_found",       "inactive", "expired",
    "user_banned",    "user_unverified", "valid"};
void count_api_key_validation(std::string_view status);
// Registers that family with every status at 0, so /metrics lists it before the first use.
void register_api_key_metrics();

}  // namespace gatehouse::obs
