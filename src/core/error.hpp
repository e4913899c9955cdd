#pragma once
// The one error type of Gatehouse. Services, stores and handlers return it as a value
// (see result.hpp); http/error_response.cpp is the single place that turns it into an
// HTTP response. `public_message` goes to the client; `cause` only to the logs.
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

// Stable domain error codes: what went wrong, not which HTTP class answers it (that mapping
// is one table, http/error_response.cpp). Never rename a shipped code: the access log and
// the `<namespace>_errors_total{code}` counter show them by name (error_code_name()).
enum class ErrorCode {
  // Input
  kInvalidInput,      // a value or request the operation refuses (400), not a field list
  kValidationFailed,  // field-level validation failures (422 list shape)
  kInvalidValue,      // 422 with a plain string detail (FastAPI template compatibility)
  kMalformedRequest,  // unparseable request line or headers (transport)
  kBodyTooLarge,      // body over MAX_BODY_BYTES
  kHeadersTooLarge,   // header block over the limit
  kRequestTimeout,    // client too slow to send its request
  // Authentication
  kNotAuthenticated,    // no credential at all
  kInvalidCredentials,  // login refused: wrong, unknown, locked or banned alike
  kEmailNotVerified,    // login before the address was verified
  kTokenInvalid,        // a JWT or link code that is not (or no longer) valid
  kTokenExpired,        // a JWT past its exp
  kRefreshTokenReused,  // a spent refresh token came back: its session was ended
  kApiKeyInvalid,       // unknown or malformed X-API-Key
  kApiKeyInactive,      // a deactivated key
  kApiKeyExpired,       // a key past its expires_at
  kCurrentPasswordRequired,
  kCurrentPasswordIncorrect,
  kInvalidMfaCode,  // a wrong, reused or malformed TOTP or recovery code
  // Authorisation
  kForbidden,          // role or ownership
  kSignedInRequired,   // an API key on a route for signed-in users only
  kMfaRequired,        // an admin without TOTP under MFA_REQUIRED_FOR_ADMINS
  kInsufficientScope,  // an API key without the route's scope
  // Resources and state
  kNotFound,  // no such route or referenced row
  kUserNotFound,
  kApiKeyNotFound,
  kSessionNotFound,
  kMethodNotAllowed,
  kConflict,    // a uniqueness conflict in the store
  kEmailTaken,  // another user has this email
  kLastAdmin,   // the operation would leave no admin
  kBanState,    // ban/unban in the wrong state, or of oneself
  kMfaState,    // TOTP enrolment or removal in the wrong state (already on, not on, none pending)
  // Capacity and failures
  kRateLimited,  // a rate limit was hit
  kOverloaded,   // worker pool or connection cap full
  kUnavailable,  // a dependency (database, Redis, SMTP) cannot serve now
  kInternal,     // a bug or an unexpected failure
};

// One field-level validation failure, rendered in the pydantic v2 shape:
// {"type","loc","msg","input"} (input is kept as already-serialised JSON text).
struct FieldError {
  std::string type;
  std::vector<std::string> loc;  // elements that parse as integers are emitted as numbers
  std::string msg;
  std::string input_json = "null";
  std::string ctx_json;  // optional serialised JSON object; empty means absent
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string public_message;
  std::string cause;  // internal detail for logs; never sent to a client
  std::vector<FieldError> fields;
  int retry_after_seconds = 0;  // for kRateLimited / kUnavailable; 0 means no header
  int rate_limit = 0;  // kRateLimited: the refusing limit's count, for RateLimit-Limit (0: none)
  bool bearer_challenge = false;  // 401 without credentials: send WWW-Authenticate: Bearer

  static Error invalid_input(std::string msg) { return {ErrorCode::kInvalidInput, std::move(msg)}; }
  static Error of(ErrorCode code, std::string msg) { return {code, std::move(msg)}; }
  static Error validation(std::vector<FieldError> f) {
    Error e{ErrorCode::kValidationFailed, "Validation error"};
    e.fields = std::move(f);
    return e;
  }
  static Error validation_message(std::string msg) {
    return {ErrorCode::kInvalidValue, std::move(msg)};
  }
  // No credential at all (docs/http-api.md §2): the one 401 that carries a challenge.
  static Error not_authenticated() {
    Error e{ErrorCode::kNotAuthenticated, "Not authenticated. Use either JWT token or API key."};
    e.bearer_challenge = true;
    return e;
  }
  static Error rate_limited(int retry_after, int limit = 0) {
    Error e{ErrorCode::kRateLimited, "Rate limit exceeded. Please try again later."};
    e.retry_after_seconds = retry_after < 1 ? 1 : retry_after;
    e.rate_limit = limit;
    return e;
  }
  static Error forbidden(std::string msg = "Forbidden") {
    return {ErrorCode::kForbidden, std::move(msg)};
  }
  static Error not_found(std::string msg = "Not Found") {
    return {ErrorCode::kNotFound, std::move(msg)};
  }
  static Error conflict(std::string msg) { return {ErrorCode::kConflict, std::move(msg)}; }
  static Error token_invalid(std::string msg) { return {ErrorCode::kTokenInvalid, std::move(msg)}; }
  static Error unavailable(std::string msg, std::string cause_text, int retry_after = 1) {
    Error e{ErrorCode::kUnavailable, std::move(msg), std::move(cause_text)};
    e.retry_after_seconds = retry_after;
    return e;
  }
  static Error internal(std::string cause_text) {
    return {ErrorCode::kInternal, "Internal Server Error", std::move(cause_text)};
  }

  bool is(ErrorCode c) const { return code == c; }
};

const char* error_code_name(ErrorCode code);

}  // namespace gatehouse
