#include "observability/log_sinks.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/core.h>

namespace gatehouse::obs::detail {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

// spdlog's rotating_file_sink refuses more than this many files.
constexpr std::size_t kMaxRetainedFiles = 200000;
constexpr int kMaxTimeCount = 100000;

Error bad_value(std::string_view variable, std::string_view problem) {
  std::string msg = fmt::format("{}: {}", variable, problem);
  return Error{ErrorCode::kInvalidInput, msg, msg};
}

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kWeek = 7 * kDay;

std::tm local_tm(system_clock::time_point t) {
  std::time_t tt = system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm;
}

system_clock::time_point from_local_tm(std::tm tm) {
  tm.tm_isdst = -1;  // let mktime decide (DST changes)
  return system_clock::from_time_t(std::mktime(&tm));
}

}  // namespace

Result<RotationPolicy> rotation_policy(std::int64_t rotation_seconds,
                                       std::uint64_t rotation_bytes) {
  RotationPolicy policy;
  if (rotation_seconds == 0 && rotation_bytes > 0) {
    policy.kind = RotationPolicy::Kind::kSize;
    policy.max_bytes = rotation_bytes;
    return policy;
  }
  if (rotation_seconds <= 0 || rotation_bytes != 0) {
    return bad_value("LOG_ROTATION", "needs exactly one of a period or a size");
  }
  if (rotation_seconds % kMinute != 0) {
    return bad_value("LOG_ROTATION", "the period must be a whole number of minutes");
  }
  constexpr std::pair<TimeUnit, std::int64_t> kUnits[] = {{TimeUnit::kWeek, kWeek},
                                                          {TimeUnit::kDay, kDay},
                                                          {TimeUnit::kHour, kHour},
                                                          {TimeUnit::kMinute, kMinute}};
  for (const auto& [unit, seconds] : kUnits) {
    if (rotation_seconds % seconds != 0) continue;
    const std::int64_t count = rotation_seconds / seconds;
    if (count > kMaxTimeCount) break;
    policy.kind = RotationPolicy::Kind::kTime;
    policy.unit = unit;
    policy.count = static_cast<int>(count);
    return policy;
  }
  return bad_value("LOG_ROTATION", "the period is too long");
}

Result<std::size_t> retained_file_count(const RotationPolicy& rotation,
                                        std::int64_t retention_seconds, int retention_files) {
  std::int64_t n = 0;
  if (retention_files > 0) {
    n = retention_files;
  } else if (retention_seconds > 0 && retention_files == 0) {
    std::int64_t period = kDay;  // size rotation: one file per day of retention
    if (rotation.kind == RotationPolicy::Kind::kTime) {
      constexpr std::int64_t kUnitSeconds[] = {kMinute, kHour, kDay, kWeek};
      period = rotation.count * kUnitSeconds[static_cast<int>(rotation.unit)];
    }
    n = std::max<std::int64_t>(1, (retention_seconds + period - 1) / period);
  } else {
    return bad_value("LOG_RETENTION", "needs exactly one of an age or a number of files");
  }
  return std::min(static_cast<std::size_t>(n), kMaxRetainedFiles);
}

// --- TimedRotatingFileSink ---------------------------------------------------------------

TimedRotatingFileSink::TimedRotatingFileSink(std::filesystem::path path, TimeUnit unit, int count,
                                             std::size_t max_old_files)
    : path_(std::move(path)),
      unit_(unit),
      count_(std::max(1, count)),
      max_old_files_(max_old_files),
      rotated_suffix_(R"(\d{4}-\d{2}-\d{2}(_\d{2}-\d{2})?(_\d+)?)") {
  std::tie(stem_, ext_) =
      spdlog::details::file_helper::split_by_extension(path_.filename().string());
  open_file();
  if (file_.size() > 0) {
    // The existing content belongs to the period of its last write.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
      period_start_ = period_start(system_clock::from_time_t(st.st_mtime));
      period_end_ = period_end(*period_start_);
    }
  }
}

TimedRotatingFileSink::TimePoint TimedRotatingFileSink::period_start(TimePoint t) const {
  std::tm tm = local_tm(t);
  tm.tm_sec = 0;
  switch (unit_) {
    case TimeUnit::kMinute: {
      int minute_of_day = tm.tm_hour * 60 + tm.tm_min;
      minute_of_day -= minute_of_day % count_;
      tm.tm_hour = minute_of_day / 60;
      tm.tm_min = minute_of_day % 60;
      break;
    }
    case TimeUnit::kHour:
      tm.tm_hour -= tm.tm_hour % count_;
      tm.tm_min = 0;
      break;
    case TimeUnit::kDay:
    case TimeUnit::kWeek:
      tm.tm_hour = 0;
      tm.tm_min = 0;
      break;
  }
  return from_local_tm(tm);
}

TimedRotatingFileSink::TimePoint TimedRotatingFileSink::period_end(TimePoint start) const {
  std::tm tm = local_tm(start);
  std::tm midnight = tm;
  midnight.tm_mday += 1;
  midnight.tm_hour = midnight.tm_min = midnight.tm_sec = 0;
  switch (unit_) {
    case TimeUnit::kMinute:
      tm.tm_min += count_;
      // Periods restart at midnight even when n does not divide a day.
      return std::min(from_local_tm(tm), from_local_tm(midnight));
    case TimeUnit::kHour:
      tm.tm_hour += count_;
      return std::min(from_local_tm(tm), from_local_tm(midnight));
    case TimeUnit::kDay:
      tm.tm_mday += count_;
      break;
    case TimeUnit::kWeek:
      tm.tm_mday += 7 * count_;
      break;
  }
  return from_local_tm(tm);
}

std::string TimedRotatingFileSink::rotated_name(TimePoint start) const {
  std::tm tm = local_tm(start);
  char stamp[32];
  const char* format =
      unit_ == TimeUnit::kDay || unit_ == TimeUnit::kWeek ? "%Y-%m-%d" : "%Y-%m-%d_%H-%M";
  std::size_t len = std::strftime(stamp, sizeof stamp, format, &tm);
  return stem_ + "." + std::string(stamp, len) + ext_;
}

void TimedRotatingFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (!period_start_) {
    period_start_ = period_start(msg.time);
    period_end_ = period_end(*period_start_);
  } else if (msg.time >= period_end_) {
    rotate(msg.time);
  }
  if (!file_open_) open_file();  // an earlier reopen failed; try again (throws on failure)
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  file_.write(formatted);
}

void TimedRotatingFileSink::flush_() {
  if (file_open_) file_.flush();
}

void TimedRotatingFileSink::rotate(TimePoint now) {
  const TimePoint old_start = *period_start_;
  period_start_ = period_start(now);
  period_end_ = period_end(*period_start_);
  if (!file_open_ || file_.size() == 0) return;  // nothing to keep

  file_.close();
  file_open_ = false;
  const fs::path dir = path_.parent_path();
  const std::string name = rotated_name(old_start);
  fs::path target = dir / name;
  const std::string base = name.substr(0, name.size() - ext_.size());
  std::error_code ec;
  for (int i = 1; fs::exists(target, ec) && i < 1000; ++i) {
    target = dir / fmt::format("{}_{}{}", base, i, ext_);
  }
  fs::rename(path_, target, ec);
  // A failed rename must not lose messages: carry on appending to the same file. After a
  // successful one the name is free and open() creates a new, empty file.
  open_file();
  if (!ec) delete_old_files();
}

void TimedRotatingFileSink::open_file() {
  file_.open(path_.string(), false);  // throws spdlog::spdlog_ex on failure
  file_open_ = true;
}

bool TimedRotatingFileSink::is_rotated_name(const std::string& name) const {
  const std::size_t prefix = stem_.size() + 1;
  if (name.size() <= prefix + ext_.size()) return false;
  if (name.compare(0, stem_.size(), stem_) != 0 || name[stem_.size()] != '.') return false;
  if (name.compare(name.size() - ext_.size(), ext_.size(), ext_) != 0) return false;
  return std::regex_match(name.begin() + static_cast<std::ptrdiff_t>(prefix),
                          name.end() - static_cast<std::ptrdiff_t>(ext_.size()), rotated_suffix_);
}

void TimedRotatingFileSink::delete_old_files() {
  std::error_code ec;
  std::vector<std::string> rotated;
  const fs::path dir = path_.parent_path().empty() ? fs::path(".") : path_.parent_path();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && is_rotated_name(name)) rotated.push_back(std::move(name));
  }
  if (rotated.size() <= max_old_files_) return;
  // Stamps are zero-padded and most-significant first: name order is age order.
  std::sort(rotated.begin(), rotated.end());
  const std::size_t excess = rotated.size() - max_old_files_;
  for (std::size_t i = 0; i < excess; ++i) fs::remove(dir / rotated[i], ec);
}

}  // namespace gatehouse::obs::detail
