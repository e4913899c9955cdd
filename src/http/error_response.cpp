#include "http/error_response.hpp"

#include <cctype>
#include <string>

#include "http/json_text.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::http {

// The one table from domain codes to HTTP statuses. The FastAPI template answers several
// domain refusals (wrong credentials, uniqueness conflicts, state rules) with 400, and
// clients depend on it.
int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kMalformedRequest:
    case ErrorCode::kInvalidCredentials:
    case ErrorCode::kEmailNotVerified:
    case ErrorCode::kCurrentPasswordRequired:
    case ErrorCode::kCurrentPasswordIncorrect:
    case ErrorCode::kConflict:
    case ErrorCode::kEmailTaken:
    case ErrorCode::kLastAdmin:
    case ErrorCode::kBanState:
      return 400;
    case ErrorCode::kNotAuthenticated:
    case ErrorCode::kTokenInvalid:
    case ErrorCode::kTokenExpired:
    case ErrorCode::kRefreshTokenReused:
    case ErrorCode::kApiKeyInvalid:
    case ErrorCode::kApiKeyInactive:
    case ErrorCode::kApiKeyExpired:
      return 401;
    case ErrorCode::kForbidden:
    case ErrorCode::kSignedInRequired:
    case ErrorCode::kInsufficientScope:
      return 403;
    case ErrorCode::kNotFound:
    case ErrorCode::kUserNotFound:
    case ErrorCode::kApiKeyNotFound:
    case ErrorCode::kSessionNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kBodyTooLarge:
      return 413;
    case ErrorCode::kValidationFailed:
    case ErrorCode::kInvalidValue:
      return 422;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kHeadersTooLarge:
      return 431;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kOverloaded:
    case ErrorCode::kUnavailable:
      return 503;
  }
  return 500;
}

namespace {

// Location elements that are array indexes or byte offsets render as JSON numbers; text
// with a leading zero ("007") is a key and stays a string, so the body remains valid JSON.
bool is_integer_text(const std::string& s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return s.size() < 10;
}

std::string field_errors_json(const std::vector<FieldError>& fields) {
  std::string out = "{\"detail\":[";
  bool first = true;
  for (const FieldError& f : fields) {
    if (!first) out += ',';
    first = false;
    out += "{\"type\":" + json_string(f.type) + ",\"loc\":[";
    for (std::size_t i = 0; i < f.loc.size(); ++i) {
      if (i) out += ',';
      out += is_integer_text(f.loc[i]) ? f.loc[i] : json_string(f.loc[i]);
    }
    out += "],\"msg\":" + json_string(f.msg) + ",\"input\":" + f.input_json;
    if (!f.ctx_json.empty()) out += ",\"ctx\":" + f.ctx_json;
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace

Response error_response(const Error& error) {
  const int status = http_status(error.code);
  obs::count_error(error_code_name(error.code));
  Response r = error.code == ErrorCode::kValidationFailed
                   ? Response::json(status, field_errors_json(error.fields))
                   : Response::json(status, detail_json(error.public_message));
  r.error_code = error_code_name(error.code);
  if (error.bearer_challenge) r.headers.set("WWW-Authenticate", "Bearer");
  if (error.retry_after_seconds > 0) {
    r.headers.set("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return r;
}

}  // namespace gatehouse::http
