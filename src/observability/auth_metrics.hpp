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
                                                    "password_reset", "mfa_token"};
void count_auth_failure(std::string_view reason, std::string_view method);

// …_login_attempts_total{status}: one POST /login (or /login/mfa/) outcome. The reference's
// statuses plus `locked` (a correct or wrong password or code while the account is locked
// out), `mfa_required` (a correct password that asks for the second factor) and
// `invalid_mfa_code` (a wrong, reused or malformed code at /login/mfa/).
inline constexpr std::string_view kLoginStatuses[] = {"not_found",    "invalid_password", "banned",
                                                      "not_verified", "locked",           "success",
                                                      "mfa_required", "invalid_mfa_code"};
void count_login_attempt(std::string_view status);

// Registers both families with every label combination at 0.
void register_auth_metrics();

}  // namespace gatehouse::obs
