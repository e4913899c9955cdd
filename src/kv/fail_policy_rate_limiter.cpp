#include "kv/fail_policy_rate_limiter.hpp"

#include <algorithm>

#include "observability/standard_metrics.hpp"

namespace gatehouse::kv {

FailPolicyRateLimiter::FailPolicyRateLimiter(RateLimiterPtr inner, bool fail_open)
    : inner_(std::move(inner)),
      fail_open_(fail_open),
      outage_(obs::Category::kAuth, "rate-limit store") {}

Result<RateDecision> FailPolicyRateLimiter::hit(const std::string& key, int limit,
                                                std::chrono::seconds period) {
  auto d = inner_->hit(key, limit, period);
  if (d) {
    outage_.succeeded();
    return d;
  }
  obs::count_shared_state_error("rate_limit");
  outage_.failed(d.error().cause, fail_open_ ? "rate limits fail open (RATE_LIMIT_FAIL_OPEN)"
                                             : "rate-limited routes answer 503");
  if (!fail_open_) return d;
  RateDecision open;
  open.allowed = true;
  open.limit = limit;
  open.remaining = limit;
  open.reset_seconds = static_cast<int>(std::max<std::int64_t>(1, period.count()));
  open.enforced = false;
  return open;
}

}  // namespace gatehouse::kv
