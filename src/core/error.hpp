#pragma once
// The one error type of Gatehouse. Services, stores and handlers return it as a value
// (see result.hpp); http/error_response.cpp is the single place that turns it into an
// HTTP response. `public_message` goes to the client; `cause` only to the logs.
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

// Stable, protocol-agnostic error codes. Never renumber or rename a shipped code:
// logs and metrics refer to them by name (see error_code_name()).
enum class ErrorCode {
  kBadRequest,         // malformed input that is not a field-level validation error
  kValidation,         // field-level validation failures (422 list shape)
  kValidationMessage,  // 422 with a plain string detail (reference compatibility)
  kUnauthorized,       // missing or invalid credentials
  kForbidden,          // authenticated but not allowed
  kNotFound,           // resource or route not found
  kMethodNotAllowed,   // route exists, method does not
  kConflict,           // uniqueness or state conflict
  kPayloadTooLarge,    // body over MAX_BODY_BYTES
  kHeadersTooLarge,    // header block over the limit
  kRequestTimeout,     // client too slow
  kRateLimited,        // a rate limit was hit
  kUnavailable,        // a dependency (database, pool) cannot serve now
  kInternal,           // a bug or an unexpected failure
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
  int retry_after_seconds = 0;    // for kRateLimited / kUnavailable; 0 means no header
  bool bearer_challenge = false;  // 401 without credentials: send WWW-Authenticate: Bearer

  static Error bad_request(std::string msg) { return {ErrorCode::kBadRequest, std::move(msg)}; }
  static Error validation(std::vector<FieldError> f) {
    Error e{ErrorCode::kValidation, "Validation error"};
    e.fields = std::move(f);
    return e;
  }
  static Error validation_message(std::string msg) {
    return {ErrorCode::kValidationMessage, std::move(msg)};
  }
  static Error unauthorized(std::string msg) { return {ErrorCode::kUnauthorized, std::move(msg)}; }
  // No credential at all (docs/http-api.md §2): the one 401 that carries a challenge.
  static Error not_authenticated() {
    Error e{ErrorCode::kUnauthorized, "Not authenticated. Use either JWT token or API key."};
    e.bearer_challenge = true;
    return e;
  }
  static Error rate_limited(int retry_after) {
    Error e{ErrorCode::kRateLimited, "Rate limit exceeded. Please try again later."};
    e.retry_after_seconds = retry_after < 1 ? 1 : retry_after;
    return e;
  }
  static Error forbidden(std::string msg = "Forbidden") {
    return {ErrorCode::kForbidden, std::move(msg)};
  }
  static Error not_found(std::string msg = "Not Found") {
    return {ErrorCode::kNotFound, std::move(msg)};
  }
  static Error conflict(std::string msg) { return {ErrorCode::kConflict, std::move(msg)}; }
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
