// Loader of the LOG_* settings.
#include "config/log_values.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

namespace {

constexpr std::string_view kLevels[] = {"TRACE",   "DEBUG", "INFO",    "SUCCESS",
                                        "WARNING", "ERROR", "CRITICAL"};

void read_rotation(VariableReader& r, LogSettings& s) {
  if (!r.has_value("LOG_ROTATION")) return;
  const std::string& raw = *r.find("LOG_ROTATION");
  if (const auto rotation = parse_log_rotation(raw)) {
    s.rotation = std::string(trim(raw));
    s.rotation_seconds = rotation->seconds;
    s.rotation_bytes = rotation->bytes;
  } else if (raw.find(':') != std::string::npos) {
    r.invalid("LOG_ROTATION",
              "rotation at a time of day is not supported; use \"<n> minutes|hours|days|weeks\" "
              "or \"<n> KB|MB|GB\"",
              raw);
  } else {
    r.invalid("LOG_ROTATION", "must be \"<n> minutes|hours|days|weeks\" or \"<n> KB|MB|GB\"", raw);
  }
}

void read_retention(VariableReader& r, LogSettings& s) {
  if (!r.has_value("LOG_RETENTION")) return;
  const std::string& raw = *r.find("LOG_RETENTION");
  if (const auto retention = parse_log_retention(raw)) {
    s.retention = std::string(trim(raw));
    s.retention_seconds = retention->seconds;
    s.retention_files = retention->files;
  } else {
    r.invalid("LOG_RETENTION", "must be \"<n> days|weeks|files\"", raw);
  }
}

}  // namespace

void load_log(VariableReader& r, LogSettings& s) {
  r.read_string("LOG_PATH", s.path);
  if (s.path.empty()) r.error("LOG_PATH: must not be empty");

  if (r.has_value("LOG_LEVEL")) {
    const std::string& raw = *r.find("LOG_LEVEL");
    const std::string level = to_upper(trim(raw));
    bool known = false;
    for (std::string_view l : kLevels) known = known || level == l;
    if (known) {
      s.level = level;
    } else {
      r.invalid("LOG_LEVEL", "must be one of TRACE, DEBUG, INFO, SUCCESS, WARNING, ERROR, CRITICAL",
                raw);
    }
  }
  read_rotation(r, s);
  read_retention(r, s);
  r.read_string("LOG_COMPRESSION", s.compression);  // accepted for compatibility, unused

  if (const std::string* raw = r.find("LOG_CATEGORIES")) {
    LogCategories categories = parse_log_categories(*raw);
    s.categories = std::move(categories.normalised);
    for (const std::string& name : categories.unknown) {
      r.warning("LOG_CATEGORIES: unknown category " + quote(name) + " ignored");
    }
  }

  if (const std::string* raw = r.find("LOG_FILENAME")) {
    if (raw->empty()) {
      r.error("LOG_FILENAME: must not be empty");
    } else if (raw->find_first_of("/\\") != std::string::npos || *raw == "." || *raw == "..") {
      r.invalid("LOG_FILENAME", "must be a file name without '/' or '\\'", *raw);
    } else {
      s.filename = *raw;
    }
  }
  r.read_bool("LOG_CONSOLE_ENABLED", s.console_enabled);
}

}  // namespace gatehouse::config::detail
