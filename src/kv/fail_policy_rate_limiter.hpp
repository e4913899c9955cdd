#pragma once
// FailPolicyRateLimiter: what a rate limit means when its store (Redis) cannot be reached,
// per RATE_LIMIT_FAIL_OPEN (docs/http-api.md §12: default open). Every such hit is counted in
// …_shared_state_errors_total{store="rate_limit"}; the outage is logged once when it starts
// and once when it ends.
#include "kv/outage_log.hpp"
#include "kv/rate_limiter.hpp"

namespace gatehouse::kv {

class FailPolicyRateLimiter final : public RateLimiter {
 public:
  // `inner`: the real limiter. `fail_open`: when it fails, allow the hit (a decision with
  // enforced == false) instead of passing its kUnavailable error on.
  FailPolicyRateLimiter(RateLimiterPtr inner, bool fail_open);

  // RateLimiter
  Result<RateDecision> hit(const std::string& key, int limit, std::chrono::seconds period) override;
  void reset() override { inner_->reset(); }

 private:
  RateLimiterPtr inner_;
  bool fail_open_;
  OutageLog outage_;
};

}  // namespace gatehouse::kv
