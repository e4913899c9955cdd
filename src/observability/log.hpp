#pragma once
// Application logging: categories, levels and the one log file (as the FastAPI template's
// loguru setup; docs/configuration.md, Logging).
//
// Thin on purpose: this header pulls in only <fmt/core.h>. spdlog stays inside log.cpp.
//
// Lifecycle and threading:
// - Before init_logging() (CLI commands, unit tests) and after shutdown_logging(), every
//   category is enabled and messages of WARNING and above are written synchronously to
//   stderr as "LEVEL    message"; lower levels are dropped. startup() always writes.
// - After init_logging(), messages go through a bounded queue to one writer thread that
//   writes them in batches every 50 ms (WARNING and above at once, and flushed) to the file
//   and stderr when LOG_CONSOLE_ENABLED, so a slow disk never blocks the calling thread and
//   a log line costs no system call: when the queue is full new messages are dropped
//   (dropped_log_messages() counts them).
// - All functions are safe to call from any thread. init_logging()/shutdown_logging() must
//   not race each other (call them from main), but may race log calls.
// - Control characters in messages (CR, LF, ...) are escaped as \r, \n, \xNN so that user
//   input cannot forge log lines.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "config/settings.hpp"
#include "core/result.hpp"

namespace gatehouse::obs {

// Log categories (bit flags, the FastAPI template's). A categorised message is written only if its
// category is enabled by LOG_CATEGORIES.
enum class Category : unsigned {
  kRequests = 1u << 0,
  kAuth = 1u << 1,
  kDatabase = 1u << 2,
  kEmail = 1u << 3,
  kErrors = 1u << 4,
  kAdmin = 1u << 5,
  kApiKeys = 1u << 6,
  kCache = 1u << 7,
  kWebhooks = 1u << 8,
};

inline constexpr unsigned kNoCategories = 0;
inline constexpr unsigned kAllCategories = 0x1FFu;

// Levels as loguru's, in increasing severity. SUCCESS sits between INFO and WARNING.
enum class Level { kTrace, kDebug, kInfo, kSuccess, kWarning, kError, kCritical };

// Parses LOG_CATEGORIES: "ALL", "NONE", or a comma list of category names (REQUESTS, AUTH,
// DATABASE, EMAIL, ERRORS, ADMIN, API_KEYS, CACHE, WEBHOOKS). Case-insensitive, items trimmed,
// unknown names and empty items ignored; ALL/NONE are also recognised inside a list
// ("AUTH,ALL" = all). Returns the bit mask (an empty string gives kNoCategories).
unsigned parse_categories(std::string_view spec);

// Parses LOG_LEVEL (case-insensitive, trimmed; "WARN" is accepted for WARNING).
// Returns false and leaves `out` untouched when the name is unknown.
bool parse_level(std::string_view name, Level& out);

// Upper-case name of a level: "TRACE", ..., "SUCCESS", "WARNING", "CRITICAL".
std::string_view level_name(Level level);

// Opens the log file {settings.path}/{settings.filename}, creating LOG_PATH if missing, and
// switches from the pre-init stderr mode to the asynchronous file logger. File lines are
// "YYYY-MM-DD HH:mm:ss.SSS | LEVEL    | message" (local time, level padded to 8); with
// console_enabled also stderr lines "LEVEL    message".
//
// Rotation comes from the loader's parsed fields (rotation_seconds / rotation_bytes; the
// `rotation` and `retention` strings are informational and not re-parsed):
// - a period: the active file keeps its name; at each period boundary (local time: days and
//   weeks start at midnight, n-hour/n-minute periods at multiples of n since midnight) it is
//   renamed to {stem}.{YYYY-MM-DD}{ext} (day/week periods) or {stem}.{YYYY-MM-DD_HH-MM}{ext}
//   (hour/minute periods), named after the start of the period it covers (loguru keeps the
//   active name too; spdlog's daily_file_sink would not, so this is our own sink).
// - a size: spdlog rotating_file_sink (api.log, api.1.log, api.2.log, ...; 1 = newest).
// Retention: retention_files keeps that many old files; retention_seconds keeps as many old
// files as periods fit in it (30 for "1 day" + "30 days"); with size rotation, one old file
// per day of retention (loguru deletes by age, we by count: a documented approximation).
// LOG_COMPRESSION is accepted but not applied: rotated files stay plain text.
//
// Calling it again replaces the previous configuration (the old logger is drained first).
// Errors (message starts with the variable it is about, like the settings loader):
// LOG_LEVEL / LOG_FILENAME invalid, LOG_ROTATION / LOG_RETENTION fields inconsistent
// (ErrorCode::kInvalidInput); LOG_PATH not creatable or the file not openable
// (ErrorCode::kInternal). On error nothing changes (the previous mode stays).
Status init_logging(const config::LogSettings& settings);

// Drains the queue, flushes and closes the log file, and returns to the pre-init mode.
// Idempotent.
void shutdown_logging();

// True when `category` is enabled by LOG_CATEGORIES (all are enabled before init).
bool enabled(Category category);
// True when `category` is enabled and `level` passes LOG_LEVEL (WARNING before init).
bool enabled(Category category, Level level);

// Writes `msg` at `level` if enabled(category, level).
void log(Category category, Level level, std::string_view msg);

// Uncategorised start-up/operator messages (the reference's uvicorn console lines): always
// written, whatever LOG_CATEGORIES and LOG_LEVEL say, to stderr and (after init) to the file.
void startup(Level level, std::string_view msg);

// Messages dropped because the asynchronous queue was full, since init_logging().
std::size_t dropped_log_messages();

// Formatting helpers: the message is formatted only when it will be written.
template <class... Args>
void log_fmt(Category category, Level level, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(category, level)) {
    log(category, level, fmt::format(format, std::forward<Args>(args)...));
  }
}

template <class... Args>
void trace(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kTrace, format, std::forward<Args>(args)...);
}
template <class... Args>
void debug(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kDebug, format, std::forward<Args>(args)...);
}
template <class... Args>
void info(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kInfo, format, std::forward<Args>(args)...);
}
template <class... Args>
void success(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kSuccess, format, std::forward<Args>(args)...);
}
template <class... Args>
void warning(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kWarning, format, std::forward<Args>(args)...);
}
template <class... Args>
void error(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kError, format, std::forward<Args>(args)...);
}
template <class... Args>
void critical(Category category, fmt::format_string<Args...> format, Args&&... args) {
  log_fmt(category, Level::kCritical, format, std::forward<Args>(args)...);
}

}  // namespace gatehouse::obs
