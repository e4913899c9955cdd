#include "api/limited_route.hpp"

#include <string>

#include "api/rate_limits.hpp"

namespace gatehouse::api {

namespace {

std::string subject_of(LimitKey key, const http::Request& req, const services::Principal* caller,
                       const LimitSubject& subject) {
  switch (key) {
    case LimitKey::kClientIp:
      return req.client_ip;
    case LimitKey::kCaller:
      return caller ? std::to_string(caller->user.id) : req.client_ip;
    case LimitKey::kEmail:
      return std::string(subject.email);
  }
  return req.client_ip;
}

}  // namespace

Result<RateDecisions> count_limits(const ApiContext& ctx, const RouteLimits& limits,
                                   const http::Request& req, const services::Principal* caller,
                                   const LimitSubject& subject) {
  RateDecisions decisions;
  if (!subject.counts) return decisions;
  for (const LimitUse& use : limits) {
    auto d = ctx.limits.hit(use.name, subject_of(use.key, req, caller, subject));
    if (!d) return d.error();
    decisions.push_back(*d);
  }
  return decisions;
}

Result<http::Response> with_rate_headers(Result<http::Response> result,
                                         const RateDecisions& decisions) {
  // The first limit's figures win (add_rate_headers keeps headers already set).
  for (const auto& d : decisions) result = with_rate_headers(std::move(result), d);
  return result;
}

}  // namespace gatehouse::api
