#include "core/error.hpp"

namespace gatehouse {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kValidationFailed:
      return "validation_failed";
    case ErrorCode::kInvalidValue:
      return "invalid_value";
    case ErrorCode::kMalformedRequest:
      return "malformed_request";
    case ErrorCode::kBodyTooLarge:
      return "body_too_large";
    case ErrorCode::kHeadersTooLarge:
      return "headers_too_large";
    case ErrorCode::kRequestTimeout:
      return "request_timeout";
    case ErrorCode::kNotAuthenticated:
      return "not_authenticated";
    case ErrorCode::kInvalidCredentials:
      return "invalid_credentials";
    case ErrorCode::kEmailNotVerified:
      return "email_not_verified";
    case ErrorCode::kTokenInvalid:
      return "token_invalid";
    case ErrorCode::kTokenExpired:
      return "token_expired";
    case ErrorCode::kRefreshTokenReused:
      return "refresh_token_reused";
    case ErrorCode::kApiKeyInvalid:
      return "api_key_invalid";
    case ErrorCode::kApiKeyInactive:
      return "api_key_inactive";
    case ErrorCode::kApiKeyExpired:
      return "api_key_expired";
    case ErrorCode::kCurrentPasswordRequired:
      return "current_password_required";
    case ErrorCode::kCurrentPasswordIncorrect:
      return "current_password_incorrect";
    case ErrorCode::kInvalidMfaCode:
      return "invalid_mfa_code";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kSignedInRequired:
      return "signed_in_user_required";
    case ErrorCode::kMfaRequired:
      return "mfa_required";
    case ErrorCode::kInsufficientScope:
      return "insufficient_scope";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kUserNotFound:
      return "user_not_found";
    case ErrorCode::kApiKeyNotFound:
      return "api_key_not_found";
    case ErrorCode::kSessionNotFound:
      return "session_not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kEmailTaken:
      return "email_taken";
    case ErrorCode::kLastAdmin:
      return "last_admin";
    case ErrorCode::kBanState:
      return "ban_state";
    case ErrorCode::kMfaState:
      return "mfa_state";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kOverloaded:
      return "overloaded";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace gatehouse
