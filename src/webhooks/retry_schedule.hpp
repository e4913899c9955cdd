#pragma once
// When a failed webhook delivery is tried again (docs/audit-and-webhooks.md "Delivery"):
// after the n-th failed attempt wait delays[n-1] (WEBHOOK_RETRY_DELAYS, default 5 s, 30 s,
// 2 min, 10 min, 30 min, 1 h; the last one repeats), at least as long as a 429 or 503
// answer's Retry-After asks (capped at the give-up window), and give up once the next attempt
// would come later than created_at + give_up_after (WEBHOOK_GIVE_UP_HOURS, default 24 h).
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "store/time.hpp"

namespace gatehouse::webhooks {

struct RetrySchedule {
  std::vector<std::chrono::seconds> delays{std::chrono::seconds(5),  std::chrono::seconds(30),
                                           std::chrono::minutes(2),  std::chrono::minutes(10),
                                           std::chrono::minutes(30), std::chrono::hours(1)};
  std::chrono::seconds give_up_after = std::chrono::hours(24);

  // Wait after `failures` failed attempts (1-based; below 1 counts as 1).
  std::chrono::seconds delay(int failures) const;

  // When to try again after the `failures`-th failed attempt at `now`, or nullopt to give up.
  // `retry_after` (from the answer, see honours_retry_after) lengthens the wait, never
  // shortens it.
  std::optional<store::Timestamp> next_attempt(
      int failures, store::Timestamp created_at, store::Timestamp now,
      std::optional<std::chrono::seconds> retry_after = std::nullopt) const;
};

// From WEBHOOK_RETRY_DELAYS and WEBHOOK_GIVE_UP_HOURS (rounded to whole seconds, at least 1).
RetrySchedule retry_schedule(const config::WebhookSettings& settings);

// Whether a Retry-After sent with `status` is taken into account: 429 and 503.
bool honours_retry_after(int status);

// A Retry-After value (RFC 9110 §10.2.3): delta-seconds, or an HTTP-date (IMF-fixdate, the
// obsolete RFC 850 and asctime forms) turned into the wait from `now` (0 when past).
// nullopt when it is neither. Huge values are clamped (next_attempt caps them anyway).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, store::Timestamp now);

}  // namespace gatehouse::webhooks
