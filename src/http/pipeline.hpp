#pragma once
// The middleware chain around the router, in one fixed order (docs/http-api.md §1):
// request id -> client address -> trace context -> CORS preflight -> route (404/405/307, typed
// params) -> handler -> error rendering -> CORS, security, request-id and traceparent headers ->
// access log. Every log line written while a request is handled carries its trace id.
#include <string>

#include "config/settings.hpp"
#include "http/cors.hpp"
#include "http/handler.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"

namespace gatehouse::http {

class Pipeline final : public HttpHandler {
 public:
  Pipeline(const config::Settings& settings, const Router& router);

  // HttpHandler
  Lane prepare(Request& req) override;
  Response handle(Request& req) override;
  Response reject(Rejection why, Request& req) override;

 private:
  Response dispatch(Request& req);
  void finish(const Request& req, Response& resp) const;

  const Router& router_;
  Cors cors_;
  TrustedProxies proxies_;
  bool hsts_ = false;
  std::uint64_t max_body_bytes_ = 0;
  RequestMetrics request_metrics_;
};

// Echoes a client-supplied request id when it is 1-128 characters of [A-Za-z0-9._-].
bool is_acceptable_request_id(std::string_view id);

}  // namespace gatehouse::http
