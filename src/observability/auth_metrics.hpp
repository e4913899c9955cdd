#pragma once
// The FastAPI template's authentication counters (docs/metrics.md), with the reference's
// label values exactly; services count where the outcome is decided.
#include <string_view>

namespace gatehouse::obs {

// …_auth_failures_total{reason,method}: a token or link code that was refused.
inline constexpr std::string_view kAuthFailureReasons[] = {"invalid_token",   "expired_token",
                                                           "user_not_found",  "banned_user",
                                                           "unverified_user", "already_verified"};
inline constexpr std::string_view kAuthMethods[] = {"jwt", "refresh_token", "verify_email",
                                                    "password_reset"};
void count_auth_failure(std::string_view reason, std::string_view method);

// …_login_attempts_total{status}: one POST /login outcome. The reference's statuses plus
// `locked` (a correct or wrong password while the account is locked out).
inline constexpr std::string_view kLoginStatuses[] = {
    "not_found", "invalid_password", "banned", "not_verified", "locked", "success"};
void count_login_attempt(std::string_view status);

// Registers both families with every label combination at 0.
void register_auth_metrics();

}  // namespace gatehouse::obs
