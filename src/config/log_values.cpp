#include "config/log_values.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "config/text.hpp"
#include "config/values.hpp"

namespace gatehouse::config::detail {

namespace {

constexpr std::int64_t kMaxAmount = 1'000'000;

struct Unit {
  std::string_view singular;
  std::int64_t factor;
};

constexpr std::array kTimeUnits{Unit{"minute", 60}, Unit{"hour", 3600}, Unit{"day", 86400},
                                Unit{"week", std::int64_t{7} * 86400}};
constexpr std::array kSizeUnits{Unit{"kb", 1024}, Unit{"mb", std::int64_t{1024} * 1024},
                                Unit{"gb", std::int64_t{1024} * 1024 * 1024}};

// Splits "<n> <unit>" (space optional) into a positive amount and a lower-case unit.
std::optional<std::pair<std::int64_t, std::string>> split_amount(std::string_view s) {
  s = trim(s);
  std::size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  if (digits == 0 || digits > 7) return std::nullopt;
  const auto amount = parse_integer(s.substr(0, digits));
  if (!amount || *amount < 1 || *amount > kMaxAmount) return std::nullopt;
  const std::string unit = to_lower(trim(s.substr(digits)));
  if (unit.empty()) return std::nullopt;
  return std::make_pair(*amount, unit);
}

// "day" or "days" matches singular "day".
bool unit_matches(std::string_view unit, std::string_view singular) {
  if (unit == singular) return true;
  return unit.size() == singular.size() + 1 && unit.substr(0, singular.size()) == singular &&
         unit.back() == 's';
}

constexpr std::array<std::string_view, 9> kCategories{
    "REQUESTS", "AUTH", "DATABASE", "EMAIL", "ERRORS", "ADMIN", "API_KEYS", "CACHE", "WEBHOOKS"};

}  // namespace

std::optional<LogRotation> parse_log_rotation(std::string_view s) {
  const auto parts = split_amount(s);
  if (!parts) return std::nullopt;
  const auto& [amount, unit] = *parts;
  for (const Unit& u : kTimeUnits) {
    if (unit_matches(unit, u.singular)) return LogRotation{amount * u.factor, 0};
  }
  for (const Unit& u : kSizeUnits) {
    if (unit == u.singular) {
      return LogRotation{0,
                         static_cast<std::uint64_t>(amount) * static_cast<std::uint64_t>(u.factor)};
    }
  }
  return std::nullopt;
}

std::optional<LogRetention> parse_log_retention(std::string_view s) {
  const auto parts = split_amount(s);
  if (!parts) return std::nullopt;
  const auto& [amount, unit] = *parts;
  if (unit_matches(unit, "day")) return LogRetention{amount * 86400, 0};
  if (unit_matches(unit, "week")) return LogRetention{amount * 7 * 86400, 0};
  if (unit_matches(unit, "file")) return LogRetention{0, static_cast<int>(amount)};
  return std::nullopt;
}

LogCategories parse_log_categories(std::string_view s) {
  LogCategories out;
  std::vector<std::string> enabled;
  bool all = false;
  for (const std::string& item : split_list(s)) {
    const std::string name = to_upper(item);
    if (name == "ALL") {
      all = true;
    } else if (name == "NONE") {
      // Contributes nothing; on its own it yields NONE.
    } else if (std::find(kCategories.begin(), kCategories.end(), name) != kCategories.end()) {
      if (std::find(enabled.begin(), enabled.end(), name) == enabled.end()) {
        enabled.push_back(name);
      }
    } else {
      out.unknown.push_back(item);
    }
  }
  if (all || enabled.size() == kCategories.size()) {
    out.normalised = "ALL";
  } else if (enabled.empty()) {
    out.normalised = "NONE";
  } else {
    for (const std::string& name : enabled) {
      if (!out.normalised.empty()) out.normalised += ',';
      out.normalised += name;
    }
  }
  return out;
}

}  // namespace gatehouse::config::detail
