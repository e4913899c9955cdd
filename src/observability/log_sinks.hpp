#pragma once
// Internal to observability/ (and its tests): parsing of LOG_ROTATION / LOG_RETENTION and the
// time-based rotating file sink. Includes spdlog; do not include from other layers.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>

#include "core/result.hpp"

namespace gatehouse::obs::detail {

enum class TimeUnit { kMinute, kHour, kDay, kWeek };

// How the file rotates, derived from LogSettings' parsed LOG_ROTATION fields: every `count`
// `unit`s, or when the file would exceed `max_bytes`.
struct RotationPolicy {
  enum class Kind { kTime, kSize };
  Kind kind = Kind::kTime;
  TimeUnit unit = TimeUnit::kDay;
  int count = 1;
  std::uint64_t max_bytes = 0;
};

// From LogSettings::rotation_seconds / rotation_bytes (exactly one non-zero). A period is
// expressed in the largest unit that divides it (86400 s = 1 day, 7200 s = 2 hours).
// Errors: kBadRequest, message starting "LOG_ROTATION: " (neither or both set, negative,
// not a whole number of minutes, absurdly long).
Result<RotationPolicy> rotation_policy(std::int64_t rotation_seconds, std::uint64_t rotation_bytes);

// How many rotated files to keep, from LogSettings::retention_seconds / retention_files:
// `files` when set; otherwise as many periods as fit in the retention (rounded up, at least
// 1); with size rotation, one file per day of retention. Errors: kBadRequest, message
// starting "LOG_RETENTION: " (neither set, or negative).
Result<std::size_t> retained_file_count(const RotationPolicy& rotation,
                                        std::int64_t retention_seconds, int retention_files);

// Time-rotated file sink (loguru-like): writes to `path`; when a message's timestamp reaches
// the end of the current period, renames the file to {stem}.{period start}{ext} (suffix
// _1, _2... if taken), starts a new empty file and deletes the oldest rotated files beyond
// `max_old_files`. Rotation is decided on each message's own timestamp (no clock is read),
// which makes it deterministic to test. On open, an existing non-empty file is taken to
// belong to the period of its modification time, so a restart after midnight still
// rotates yesterday's file. A failed rename is not fatal: logging continues in the file.
class TimedRotatingFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Throws spdlog::spdlog_ex when the file cannot be opened.
  TimedRotatingFileSink(std::filesystem::path path, TimeUnit unit, int count,
                        std::size_t max_old_files);

  // Start of the period containing `t` (local time).
  TimePoint period_start(TimePoint t) const;
  // End of the period that starts at `start` (local time).
  TimePoint period_end(TimePoint start) const;
  // File name (no directory) a file covering the period starting at `start` is renamed to.
  std::string rotated_name(TimePoint start) const;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void open_file();
  void rotate(TimePoint now);
  void delete_old_files();
  bool is_rotated_name(const std::string& name) const;

  std::filesystem::path path_;
  std::string stem_;
  std::string ext_;
  TimeUnit unit_;
  int count_;
  std::size_t max_old_files_;
  std::regex rotated_suffix_;
  spdlog::details::file_helper file_;
  bool file_open_ = false;
  std::optional<TimePoint> period_start_;
  TimePoint period_end_{};
};

}  // namespace gatehouse::obs::detail
