#pragma once
// The per-route limits of docs/http-api.md §9 (the FastAPI template's plus the new ones), with
// RATE_LIMITS overrides, applied only when RATE_LIMIT_ENABLED. A refused request is 429
// with Retry-After; limited routes also carry RateLimit-Limit/-Remaining/-Reset.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/rate_limit.hpp"
#include "config/settings.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "kv/rate_limiter.hpp"
#include "services/principal.hpp"

namespace gatehouse::api {

class RateLimits {
 public:
  RateLimits(const config::Settings& settings, kv::RateLimiter& limiter);

  // Counts a hit of limit `name` for `subject` (client IP, email, user id). nullopt when
  // rate limiting is off; a 429 Error when refused; the decision otherwise.
  Result<std::optional<kv::RateDecision>> hit(std::string_view name, std::string_view subject);

  // The per-caller budget of an authenticated request (docs/http-api.md §9): `admin`
  // (ADMIN_RATE_LIMIT, else USER_RATE_LIMIT) for admins, `user` (USER_RATE_LIMIT) for
  // everyone else; counted per API key for key requests, per user otherwise. nullopt when
  // no budget is set or rate limiting is off.
  Result<std::optional<kv::RateDecision>> budget(const services::Principal& p);

  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool fail_open_;
  kv::RateLimiter& limiter_;
  std::map<std::string, config::RateLimitRule, std::less<>> rules_;
};

// Adds RateLimit-Limit/-Remaining/-Reset; nothing when `d` is empty or not enforced (the
// store was down and the limit failed open).
void add_rate_headers(http::Response& resp, const std::optional<kv::RateDecision>& d);

// A limited route's answer with the RateLimit-* headers, errors included (a failed login
// counts and must show what is left). Server errors pass through unchanged so the pipeline
// still logs their cause.
Result<http::Response> with_rate_headers(Result<http::Response> result,
                                         const std::optional<kv::RateDecision>& d);

}  // namespace gatehouse::api
