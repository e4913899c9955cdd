#pragma once
// Parsers for the LOG_* settings that have their own small syntax (internal).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::config::detail {

struct LogRotation {
  std::int64_t seconds = 0;  // time-based rotation, or 0
  std::uint64_t bytes = 0;   // size-based rotation, or 0
};
// "<n> minute(s)|hour(s)|day(s)|week(s)" or "<n> KB|MB|GB"; nullopt otherwise.
std::optional<LogRotation> parse_log_rotation(std::string_view s);

struct LogRetention {
  std::int64_t seconds = 0;  // age-based retention, or 0
  int files = 0;             // count-based retention, or 0
};
// "<n> day(s)|week(s)|file(s)"; nullopt otherwise.
std::optional<LogRetention> parse_log_retention(std::string_view s);

struct LogCategories {
  std::string normalised;            // "ALL", "NONE" or e.g. "AUTH,CACHE"
  std::vector<std::string> unknown;  // names that were ignored
};
// ALL, NONE or a comma list of REQUESTS, AUTH, DATABASE, EMAIL, ERRORS, ADMIN, API_KEYS,
// CACHE, WEBHOOKS (case-insensitive, trimmed). Unknown names are reported and ignored.
LogCategories parse_log_categories(std::string_view s);

}  // namespace gatehouse::config::detail
