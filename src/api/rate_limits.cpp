#include "api/rate_limits.hpp"

#include "http/error_response.hpp"
#include "observability/log.hpp"
#include "observability/standard_metrics.hpp"

namespace gatehouse::api {

namespace {

constexpr std::pair<const char*, const char*> kDefaults[] = {{"register", "3/hour"},
                                                             {"login", "5/15minutes"},
                                                             {"login_email", "5/15minutes"},
                                                             {"login_mfa", "5/15minutes"},
                                                             {"refresh", "20/minute"},
                                                             {"verify", "10/minute"},
                                                             {"resend_verification", "3/hour"},
                                                             {"forgot_password", "3/hour"},
                                                             {"reset_password_form", "10/minute"},
                                                             {"reset_password", "5/hour"},
                                                             {"password_change", "5/hour"}};

}  // namespace

RateLimits::RateLimits(const config::Settings& settings, kv::RateLimiter& limiter)
    : enabled_(settings.rate_limit_enabled),
      fail_open_(settings.auth.rate_limit_fail_open),
      limiter_(limiter) {
  for (const auto& [name, text] : kDefaults) rules_[name] = *config::parse_rate_limit(text);
  if (!settings.auth.user_rate_limit.empty()) {
    rules_["user"] = *config::parse_rate_limit(settings.auth.user_rate_limit);
  }
  if (!settings.auth.admin_rate_limit.empty()) {
    rules_["admin"] = *config::parse_rate_limit(settings.auth.admin_rate_limit);
  }
  std::string ignored;
  if (auto overrides = config::parse_rate_limit_overrides(settings.auth.rate_limits, ignored)) {
    for (auto& [k, v] : *overrides) rules_[k] = v;
  }
}

Result<std::optional<kv::RateDecision>> RateLimits::hit(std::string_view name,
                                                        std::string_view subject) {
  if (!enabled_) return std::optional<kv::RateDecision>();
  const auto rule = rules_.find(name);
  if (rule == rules_.end()) return std::optional<kv::RateDecision>();
  auto d = limiter_.hit(std::string(name) + ":" + std::string(subject), rule->second.count,
                        std::chrono::seconds(rule->second.period_seconds));
  if (!d) {
    // The limiter's store is down and RATE_LIMIT_FAIL_OPEN=false (kv::FailPolicyRateLimiter
    // decided, counted and logged the outage once; an open failure is a decision with
    // enforced == false).
    if (fail_open_) return std::optional<kv::RateDecision>();
    return Error::unavailable("Service temporarily unavailable", d.error().cause, 1);
  }
  if (!d->allowed) {
    obs::count_rate_limit_exceeded(name, rule->second.text);
    obs::info(obs::Category::kAuth, "Rate limit exceeded for {}: {}", subject, rule->second.text);
    return Error::rate_limited(d->retry_after_seconds, d->limit);
  }
  return std::optional<kv::RateDecision>(*d);
}

Result<std::optional<kv::RateDecision>> RateLimits::budget(const services::Principal& p) {
  // Admins fall back to USER_RATE_LIMIT when ADMIN_RATE_LIMIT is not set.
  const bool admin = p.is_admin() && rules_.contains("admin");
  const std::string subject =
      p.via_api_key() ? "key:" + p.api_key_id : "user:" + std::to_string(p.user.id);
  return hit(admin ? "admin" : "user", subject);
}

void add_rate_headers(http::Response& resp, const std::optional<kv::RateDecision>& d) {
  // No counter stands behind a fail-open decision: its figures would be made up. A route's
  // own limit (e.g. password_change), set first, is more telling than the caller's budget.
  if (!d || !d->enforced || resp.headers.has("RateLimit-Limit")) return;
  resp.headers.set("RateLimit-Limit", std::to_string(d->limit));
  resp.headers.set("RateLimit-Remaining", std::to_string(d->remaining));
  resp.headers.set("RateLimit-Reset", std::to_string(d->reset_seconds));
}

Result<http::Response> with_rate_headers(Result<http::Response> result,
                                         const std::optional<kv::RateDecision>& d) {
  if (!d || !d->enforced) return result;
  if (result) {
    add_rate_headers(*result, d);
    return result;
  }
  if (http::http_status(result.error().code) >= 500) return result;
  http::Response resp = http::error_response(result.error());
  add_rate_headers(resp, d);
  return resp;
}

}  // namespace gatehouse::api
