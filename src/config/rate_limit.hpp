#pragma once
// Rate-limit expressions as the reference writes them (slowapi/limits): "5/15minutes",
// "3/hour", "1000/day". Parsed here so configuration errors name the variable.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::config {

struct RateLimitRule {
  int count = 0;           // requests allowed per window
  int period_seconds = 0;  // fixed window length
  std::string text;        // as written, for the rate_limit_exceeded_total{limit} label
};

// "N/unit" or "N/M unit(s)" with unit second, minute, hour or day (plural and a space
// between M and the unit accepted); nullopt when malformed or out of range.
std::optional<RateLimitRule> parse_rate_limit(std::string_view text);

// The RATE_LIMITS keys (docs/http-api.md §9 "Rate limits").
bool is_rate_limit_key(std::string_view key);

// Parses "key=rule,key=rule"; on error returns nullopt and sets `error` (without the
// variable name).
std::optional<std::map<std::string, RateLimitRule>> parse_rate_limit_overrides(
    std::string_view text, std::string& error);

}  // namespace gatehouse::config
