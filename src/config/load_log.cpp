// Declarations of the LOG_* settings.
#include "config/log_values.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

namespace {

// An empty value counts as not set.
void parse_rotation(VariableReader& r, std::string_view name, const std::string& raw,
                    LogSettings& s) {
  if (raw.empty()) return;
  if (const auto rotation = parse_log_rotation(raw)) {
    s.rotation = std::string(trim(raw));
    s.rotation_seconds = rotation->seconds;
    s.rotation_bytes = rotation->bytes;
  } else if (raw.find(':') != std::string::npos) {
    r.invalid(name,
              "rotation at a time of day is not supported; use \"<n> minutes|hours|days|weeks\" "
              "or \"<n> KB|MB|GB\"",
              raw);
  } else {
    r.invalid(name, "must be \"<n> minutes|hours|days|weeks\" or \"<n> KB|MB|GB\"", raw);
  }
}

// An empty value counts as not set.
void parse_retention(VariableReader& r, std::string_view name, const std::string& raw,
                     LogSettings& s) {
  if (raw.empty()) return;
  if (const auto retention = parse_log_retention(raw)) {
    s.retention = std::string(trim(raw));
    s.retention_seconds = retention->seconds;
    s.retention_files = retention->files;
  } else {
    r.invalid(name, "must be \"<n> days|weeks|files\"", raw);
  }
}

void parse_categories(VariableReader& r, std::string_view name, const std::string& raw,
                      std::string& out) {
  LogCategories categories = parse_log_categories(raw);
  out = std::move(categories.normalised);
  for (const std::string& unknown : categories.unknown) {
    r.warning(std::string(name) + ": unknown category " + quote(unknown) + " ignored");
  }
}

void parse_filename(VariableReader& r, std::string_view name, const std::string& raw,
                    std::string& out) {
  if (raw.empty()) {
    r.error(std::string(name) + ": must not be empty");
  } else if (raw.find_first_of("/\\") != std::string::npos || raw == "." || raw == "..") {
    r.invalid(name, "must be a file name without '/' or '\\'", raw);
  } else {
    out = raw;
  }
}

}  // namespace

SettingGroup log_group() {
  const Section<LogSettings> l(&Settings::log);
  return {
      "Logging",
      {
          l.text("LOG_PATH", &LogSettings::path, "directory of the log files; created if missing",
                 not_empty),
          l.choice("LOG_LEVEL", &LogSettings::level, LetterCase::kUpper,
                   {"TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"},
                   "lowest level written"),
          l.custom(
              "LOG_ROTATION", parse_rotation, [](const LogSettings& s) { return s.rotation; },
              "`<n> minutes/hours/days/weeks`, `<n> KB/MB/GB`", "when a log file is rotated"),
          l.custom(
              "LOG_RETENTION", parse_retention, [](const LogSettings& s) { return s.retention; },
              "`<n> days/weeks`, `<n> files`", "how many rotated files are kept"),
          l.text("LOG_COMPRESSION", &LogSettings::compression,
                 "accepted, not applied (rotated files stay plain text)"),
          l.parsed("LOG_CATEGORIES", &LogSettings::categories, parse_categories,
                   "`ALL`, `NONE`, or a comma list of REQUESTS, AUTH, DATABASE, EMAIL, ERRORS, "
                   "ADMIN, API_KEYS, CACHE, WEBHOOKS",
                   "which kinds of events are logged; unknown names are warned about and ignored"),
          l.parsed("LOG_FILENAME", &LogSettings::filename, parse_filename, "a file name",
                   "no `/` or `\\`"),
          l.flag("LOG_CONSOLE_ENABLED", &LogSettings::console_enabled, "also log to stderr"),
      }};
}

}  // namespace gatehouse::config::detail
