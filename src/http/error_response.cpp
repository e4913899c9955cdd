#include "http/error_response.hpp"

#include <cctype>
#include <string>

#include "http/json_text.hpp"

namespace gatehouse::http {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return 400;
    case ErrorCode::kValidation:
      return 422;
    case ErrorCode::kValidationMessage:
      return 422;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    // The reference answers uniqueness conflicts ("A User with this email already
    // exists") with 400, and clients depend on it.
    case ErrorCode::kConflict:
      return 400;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kHeadersTooLarge:
      return 431;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
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
  Response r = error.code == ErrorCode::kValidation
                   ? Response::json(status, field_errors_json(error.fields))
                   : Response::json(status, detail_json(error.public_message));
  if (error.bearer_challenge) r.headers.set("WWW-Authenticate", "Bearer");
  if (error.retry_after_seconds > 0) {
    r.headers.set("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return r;
}

}  // namespace gatehouse::http
