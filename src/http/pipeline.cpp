#include "http/pipeline.hpp"

#include <exception>

#include "core/ids.hpp"
#include "core/request_origin.hpp"
#include "http/error_response.hpp"
#include "http/json_text.hpp"
#include "http/trace_headers.hpp"
#include "http/transport_metrics.hpp"
#include "observability/access_log.hpp"
#include "observability/log.hpp"

namespace gatehouse::http {

namespace {

constexpr const char* kHtmlCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool is_html(const Response& r) {
  const auto ct = r.headers.get("Content-Type");
  return ct && ct->starts_with("text/html");
}

// Every X-Forwarded-For line, joined in order: some proxies append their own line instead
// of extending the client's, and reading only the first would let the client choose its IP.
std::string forwarded_for(const Headers& headers) {
  std::string joined;
  for (const auto& [name, value] : headers.entries()) {
    if (!iequals(name, "X-Forwarded-For")) continue;
    if (!joined.empty()) joined += ", ";
    joined += value;
  }
  return joined;
}

// The transport's refusals, answered through the one error table like every other error.
Error rejection_error(Rejection why, std::size_t max_body_bytes) {
  switch (why) {
    case Rejection::kBodyTooLarge:
      return Error::of(ErrorCode::kBodyTooLarge, "Request body too large (limit " +
                                                     std::to_string(max_body_bytes) + " bytes)");
    case Rejection::kHeadersTooLarge:
      return Error::of(ErrorCode::kHeadersTooLarge, "Request header fields too large");
    case Rejection::kTimeout:
      return Error::of(ErrorCode::kRequestTimeout, "Request timeout");
    case Rejection::kOverloaded: {
      Error busy = Error::of(ErrorCode::kOverloaded, "Server is busy, try again later");
      busy.retry_after_seconds = 1;
      return busy;
    }
    case Rejection::kBadRequest:
      break;
  }
  return Error::of(ErrorCode::kMalformedRequest, "Bad Request");
}

}  // namespace

const char* rejection_reason(Rejection r) {
  switch (r) {
    case Rejection::kBadRequest:
      return "bad_request";
    case Rejection::kBodyTooLarge:
      return "body_too_large";
    case Rejection::kHeadersTooLarge:
      return "headers_too_large";
    case Rejection::kTimeout:
      return "timeout";
    case Rejection::kOverloaded:
      return "overloaded";
  }
  return "bad_request";
}

bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-';
    if (!okc) return false;
  }
  return true;
}

Pipeline::Pipeline(const config::Settings& settings, const Router& router)
    : router_(router),
      cors_(settings.cors.origins, settings.cors.allow_credentials),
      proxies_(settings.server.trusted_proxies),
      hsts_(settings.server.hsts_enabled),
      max_body_bytes_(settings.server.max_body_bytes),
      request_metrics_(router, settings.metrics_enabled) {}

Lane Pipeline::prepare(Request& req) {
  const auto given = req.headers.get("X-Request-ID");
  req.request_id =
      given && is_acceptable_request_id(*given) ? std::string(*given) : new_request_id();
  req.client_ip = proxies_.client_ip(req.peer_ip, forwarded_for(req.headers));
  adopt_trace_context(req);
  Match m = router_.match(req.method, req.path);
  if (m.kind == Match::Kind::kFound) {
    req.route = m.route;
    req.params = std::move(m.params);
    if (req.route->options.inline_handler) return Lane::kInline;
    return req.route->options.password_hashing ? Lane::kPassword : Lane::kWorker;
  }
  // 404/405/307 and preflights are answered without I/O.
  return Lane::kInline;
}

Response Pipeline::dispatch(Request& req) {
  if (auto pre = cors_.preflight(req)) return std::move(*pre);
  if (req.route == nullptr) {
    const Match m = router_.match(req.method, req.path);
    switch (m.kind) {
      case Match::Kind::kMethodNotAllowed: {
        Response r = error_response(Error::of(ErrorCode::kMethodNotAllowed, "Method Not Allowed"));
        r.headers.set("Allow", m.allow);
        return r;
      }
      case Match::Kind::kRedirect: {
        std::string location = m.redirect_path;
        if (!req.query.empty()) location += "?" + req.query;
        return Response::redirect(307, std::move(location));
      }
      default:
        return error_response(Error::not_found());
    }
  }
  if (!req.route->options.handler_checks_params) {
    if (Status typed = check_param_types(*req.route, req.params); !typed) {
      return error_response(typed.error());
    }
  }
  Result<Response> result = req.route->handler(req);
  if (result) return std::move(*result);
  const Error& err = result.error();
  if (http_status(err.code) >= 500) {
    obs::error(obs::Category::kErrors, "request {} {} {} failed: {} ({})", req.request_id,
               req.method, req.path, error_code_name(err.code), err.cause);
  }
  return error_response(err);
}

Response Pipeline::handle(Request& req) {
  adopt_trace_context(req);  // prepare() did it, unless a caller skipped it
  const obs::TraceScope trace(req.trace);
  RequestOrigin origin;
  origin.ip = req.client_ip.empty() ? req.peer_ip : req.client_ip;
  if (auto ua = req.headers.get("User-Agent")) {
    origin.user_agent = valid_utf8_prefix(*ua, kStoredUserAgentBytes);
  }
  origin.request_id = req.request_id;
  const OriginScope origin_scope(origin);
  const RequestMetrics::Tracking tracking = request_metrics_.begin(req);
  Response resp;
  try {
    resp = dispatch(req);
  } catch (const std::exception& e) {
    obs::error(obs::Category::kErrors, "request {} {} {} raised: {}", req.request_id, req.method,
               req.path, e.what());
    resp = error_response(Error::internal(e.what()));
  } catch (...) {
    obs::error(obs::Category::kErrors, "request {} {} {} raised a non-standard exception",
               req.request_id, req.method, req.path);
    resp = error_response(Error::internal("unknown exception"));
  }
  finish(req, resp);
  request_metrics_.end(tracking, req, resp);
  return resp;
}

Response Pipeline::reject(Rejection why, Request& req) {
  if (req.request_id.empty()) {
    const auto given = req.headers.get("X-Request-ID");
    req.request_id =
        given && is_acceptable_request_id(*given) ? std::string(*given) : new_request_id();
  }
  if (req.client_ip.empty()) req.client_ip = req.peer_ip;
  adopt_trace_context(req);
  const obs::TraceScope trace(req.trace);
  count_rejection(why);
  Response resp = error_response(rejection_error(why, max_body_bytes_));
  finish(req, resp);
  return resp;
}

void Pipeline::finish(const Request& req, Response& resp) const {
  // A preflight answer already carries its CORS headers.
  if (!resp.headers.has("Access-Control-Allow-Origin")) cors_.decorate(req, resp);
  resp.headers.set("X-Request-ID", req.request_id);
  add_trace_header(req, resp);
  resp.headers.set("X-Content-Type-Options", "nosniff");
  resp.headers.set("X-Frame-Options", "DENY");
  resp.headers.set("Referrer-Policy", "no-referrer");
  if (is_html(resp) && !resp.headers.has("Content-Security-Policy")) {
    resp.headers.set("Content-Security-Policy", kHtmlCsp);
  }
  if (hsts_) resp.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  if (obs::enabled(obs::Category::kRequests)) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received_at).count();
    obs::log(obs::Category::kRequests, obs::Level::kInfo,
             obs::access_log_line(req.client_ip, req.method.empty() ? "-" : req.method,
                                  req.path.empty() ? "-" : req.path, req.query, resp.status,
                                  seconds, resp.error_code ? resp.error_code : ""));
  }
}

}  // namespace gatehouse::http
