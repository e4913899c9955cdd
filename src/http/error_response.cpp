#include "http/error_response.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cstdint>
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
    case ErrorCode::kInvalidMfaCode:
    case ErrorCode::kMfaState:
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
    case ErrorCode::kMfaRequired:
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
  namespace json = boost::json;
  // input_json and ctx_json are JSON text written by Boost.JSON or json_string(), so they
  // serialise back to the same text. An input may be a whole request body, which
  // api/json_body.cpp accepts 64 levels deep.
  json::parse_options nested;
  nested.max_depth = 256;
  json::array detail;
  for (const FieldError& f : fields) {
    json::array loc;
    for (const std::string& part : f.loc) {
      std::int64_t n = 0;
      if (is_integer_text(part) &&
          std::from_chars(part.data(), part.data() + part.size(), n).ec == std::errc()) {
        loc.emplace_back(n);
      } else {
        loc.emplace_back(json::string(valid_utf8(part)));
      }
    }
    json::object item{{"type", json::string(valid_utf8(f.type))},
                      {"loc", std::move(loc)},
                      {"msg", json::string(valid_utf8(f.msg))},
                      {"input", json::parse(f.input_json, {}, nested)}};
    if (!f.ctx_json.empty()) item.emplace("ctx", json::parse(f.ctx_json, {}, nested));
    detail.emplace_back(std::move(item));
  }
  return json::serialize(json::object{{"detail", std::move(detail)}});
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
  // A refusal tells the same story as the allowed answers before it (IETF RateLimit
  // fields): none left, and the window ends when Retry-After does.
  if (error.code == ErrorCode::kRateLimited && error.rate_limit > 0) {
    r.headers.set("RateLimit-Limit", std::to_string(error.rate_limit));
    r.headers.set("RateLimit-Remaining", "0");
    r.headers.set("RateLimit-Reset", std::to_string(error.retry_after_seconds));
  }
  return r;
}

}  // namespace gatehouse::http
