#include "config/rate_limit.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "config/text.hpp"

namespace gatehouse::config {

namespace {

constexpr std::array<std::string_view, 13> kKeys = {"register",
                                                    "login",
                                                    "login_email",
                                                    "login_mfa",
                                                    "refresh",
                                                    "verify",
                                                    "resend_verification",
                                                    "forgot_password",
                                                    "reset_password_form",
                                                    "reset_password",
                                                    "password_change",
                                                    "user",
                                                    "admin"};

std::optional<int> parse_positive(std::string_view s) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<int> unit_seconds(std::string_view unit) {
  if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
  if (unit == "second") return 1;
  if (unit == "minute") return 60;
  if (unit == "hour") return 3600;
  if (unit == "day") return 86400;
  return std::nullopt;
}

}  // namespace

std::optional<RateLimitRule> parse_rate_limit(std::string_view text) {
  const std::string lowered = detail::to_lower(detail::trim(text));
  const std::string_view t = lowered;
  const auto slash = t.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto count = parse_positive(detail::trim(t.substr(0, slash)));
  std::string_view rest = detail::trim(t.substr(slash + 1));
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  int multiplier = 1;
  if (digits > 0) {
    const auto m = parse_positive(rest.substr(0, digits));
    if (!m) return std::nullopt;
    multiplier = *m;
  }
  const auto unit = unit_seconds(detail::trim(rest.substr(digits)));
  if (!count || !unit) return std::nullopt;
  const long long period = static_cast<long long>(multiplier) * *unit;
  if (period > 366LL * 86400 || *count > 100000000) return std::nullopt;
  return RateLimitRule{*count, static_cast<int>(period), std::string(detail::trim(text))};
}

bool is_rate_limit_key(std::string_view key) {
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

std::optional<std::map<std::string, RateLimitRule>> parse_rate_limit_overrides(
    std::string_view text, std::string& error) {
  std::map<std::string, RateLimitRule> out;
  for (const std::string& item : detail::split_list(text)) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      error = "expected key=limit items, got \"" + item + "\"";
      return std::nullopt;
    }
    const std::string key = detail::to_lower(detail::trim(std::string_view(item).substr(0, eq)));
    if (!is_rate_limit_key(key)) {
      error = "unknown limit \"" + key + "\"";
      return std::nullopt;
    }
    const auto rule = parse_rate_limit(std::string_view(item).substr(eq + 1));
    if (!rule) {
      error = "limit for \"" + key + "\" must look like 5/15minutes or 3/hour";
      return std::nullopt;
    }
    out[key] = *rule;
  }
  return out;
}

}  // namespace gatehouse::config
