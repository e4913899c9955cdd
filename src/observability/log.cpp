#include "observability/log.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <vector>

#include <condition_variable>
#include <thread>

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "observability/log_sinks.hpp"
#include "observability/trace_context.hpp"

namespace gatehouse::obs {
namespace {

namespace fs = std::filesystem;

// Lines waiting for the writer thread. 16384 lines of a few hundred bytes: a few MB at most.
// When full, new lines are dropped and counted: losing a log line beats stalling an I/O
// thread behind a slow disk.
constexpr std::size_t kQueueSize = 16384;
// The writer wakes this often to write what queued up. Producers never signal it (a
// futex wake per access-log line halved the heartbeat throughput), except for WARNING and
// above, which are written and flushed at once.
constexpr std::chrono::milliseconds kBatchInterval{50};
// Unflushed lines reach the disk at most this late.
constexpr std::chrono::seconds kFlushInterval{1};

constexpr const char* kFilePattern = "%Y-%m-%d %H:%M:%S.%e | %* | %v";
constexpr const char* kConsolePattern = "%* %v";

// spdlog has no SUCCESS level: SUCCESS is logged as info, tagged through the otherwise
// unused source location (our patterns print no %s/%#/%!). The pointer identity of this
// array is the tag; it is copied by value into the async queue, so it survives.
constexpr char kSuccessTag[] = "SUCCESS";

std::string_view display_name(const spdlog::details::log_msg& msg) {
  if (msg.source.funcname == kSuccessTag) return "SUCCESS";
  switch (msg.level) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "INFO";
  }
}

// %*: the level, upper-case, padded to 8 like loguru's "{level: <8}".
class LevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/,
              spdlog::memory_buf_t& dest) override {
    std::string_view name = display_name(msg);
    dest.append(name.data(), name.data() + name.size());
    for (std::size_t i = name.size(); i < 8; ++i) dest.push_back(' ');
  }
  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<LevelFlag>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(const char* pattern) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelFlag>('*').set_pattern(pattern);
  return formatter;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
    case Level::kSuccess:  // INFO with its own tag (source_for)
      return spdlog::level::info;
    case Level::kWarning:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kCritical:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}

spdlog::source_loc source_for(Level level) {
  return level == Level::kSuccess ? spdlog::source_loc{nullptr, 0, kSuccessTag}
                                  : spdlog::source_loc{};
}

Error settings_error(ErrorCode code, const std::string& msg) { return Error{code, msg, msg}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

bool is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// Returns `msg`, or a copy in `storage` with control characters escaped.
std::string_view escape_controls(std::string_view msg, std::string& storage) {
  if (std::none_of(msg.begin(), msg.end(),
                   [](char c) { return is_control(static_cast<unsigned char>(c)); })) {
    return msg;
  }
  storage.reserve(msg.size() + 16);
  for (char c : msg) {
    auto u = static_cast<unsigned char>(c);
    if (!is_control(u)) {
      storage.push_back(c);
    } else if (c == '\n') {
      storage += "\\n";
    } else if (c == '\r') {
      storage += "\\r";
    } else {
      storage += fmt::format("\\x{:02x}", u);
    }
  }
  return storage;
}

// Pre-init / fallback writer: one fwrite per line, so concurrent lines do not interleave.
void write_stderr(Level level, std::string_view msg) {
  std::string line = fmt::format("{:<8} {}\n", level_name(level), msg);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

constexpr int kPreInitMinLevel = static_cast<int>(Level::kWarning);

// Batches lines from any thread to one writer thread that owns the (synchronous) spdlog
// logger. Timestamps are taken by the producer, so batching does not change them.
class LineQueue {
 public:
  explicit LineQueue(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {
    writer_ = std::thread([this] { run(); });
  }
  ~LineQueue() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    writer_.join();  // writes everything still queued, then flushes
  }

  void push(Level level, std::string_view text) {
    bool urgent = level >= Level::kWarning;
    {
      std::lock_guard lock(mutex_);
      if (pending_.size() >= kQueueSize) {
        ++dropped_;
        return;
      }
      pending_.push_back({spdlog::log_clock::now(), level, std::string(text)});
      urgent_ = urgent_ || urgent;
    }
    if (urgent) cv_.notify_one();
  }

  std::size_t dropped() {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  struct Line {
    spdlog::log_clock::time_point time;
    Level level;
    std::string text;
  };

  void run() {
    std::vector<Line> batch;
    auto last_flush = std::chrono::steady_clock::now();
    for (;;) {
      bool stop = false;
      bool urgent = false;
      {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, kBatchInterval, [this] { return stopping_ || urgent_; });
        batch.swap(pending_);
        urgent = urgent_;
        urgent_ = false;
        stop = stopping_;
      }
      for (const Line& line : batch) {
        logger_->log(line.time, source_for(line.level), to_spdlog(line.level),
                     spdlog::string_view_t(line.text.data(), line.text.size()));
      }
      batch.clear();
      const auto now = std::chrono::steady_clock::now();
      if (urgent || stop || now - last_flush >= kFlushInterval) {
        logger_->flush();
        last_flush = now;
      }
      if (stop) return;
    }
  }

  std::shared_ptr<spdlog::logger> logger_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Line> pending_;
  std::size_t dropped_ = 0;
  bool urgent_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

// Hot-path state, read without locks.
std::atomic<unsigned> g_categories{kAllCategories};
std::atomic<int> g_min_level{kPreInitMinLevel};
std::atomic<bool> g_console{false};
std::atomic<std::shared_ptr<LineQueue>> g_queue;

// Owned resources; changed only by init/shutdown under g_lifecycle.
std::mutex g_lifecycle;
std::shared_ptr<LineQueue> g_backend;

void shutdown_locked() {
  g_queue.store(nullptr);
  g_categories.store(kAllCategories);
  g_min_level.store(kPreInitMinLevel);
  g_console.store(false);
  // Producers that loaded the queue before the store above keep it alive; the last
  // reference writes out what is queued and joins the writer.
  g_backend.reset();
}

void emit(Level level, std::string_view msg, bool also_stderr) {
  std::string storage;
  std::string_view text = escape_controls(msg, storage);
  if (auto queue = g_queue.load()) {
    queue->push(level, text);
    if (also_stderr && !g_console.load(std::memory_order_relaxed)) write_stderr(level, text);
  } else {
    write_stderr(level, text);
  }
}

struct CategoryName {
  std::string_view name;
  Category category;
};
constexpr CategoryName kCategoryNames[] = {
    {"REQUESTS", Category::kRequests}, {"AUTH", Category::kAuth},
    {"DATABASE", Category::kDatabase}, {"EMAIL", Category::kEmail},
    {"ERRORS", Category::kErrors},     {"ADMIN", Category::kAdmin},
    {"API_KEYS", Category::kApiKeys},  {"CACHE", Category::kCache},
    {"WEBHOOKS", Category::kWebhooks},
};

}  // namespace

unsigned parse_categories(std::string_view spec) {
  unsigned mask = kNoCategories;
  while (true) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = trim(spec.substr(0, comma));
    if (iequals(item, "ALL")) {
      mask = kAllCategories;
    } else {
      for (const auto& entry : kCategoryNames) {
        if (iequals(item, entry.name)) mask |= static_cast<unsigned>(entry.category);
      }
    }
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return mask;  // "NONE", empty and unknown items add nothing
}

bool parse_level(std::string_view name, Level& out) {
  constexpr Level kLevels[] = {Level::kTrace,   Level::kDebug, Level::kInfo,    Level::kSuccess,
                               Level::kWarning, Level::kError, Level::kCritical};
  name = trim(name);
  if (iequals(name, "WARN")) {
    out = Level::kWarning;
    return true;
  }
  for (Level level : kLevels) {
    if (iequals(name, level_name(level))) {
      out = level;
      return true;
    }
  }
  return false;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kTrace:
      return "TRACE";
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kSuccess:
      return "SUCCESS";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
    case Level::kCritical:
      return "CRITICAL";
  }
  return "INFO";
}

Status init_logging(const config::LogSettings& settings) {
  Level level{};
  if (!parse_level(settings.level, level)) {
    return settings_error(
        ErrorCode::kInvalidInput,
        fmt::format("LOG_LEVEL: must be one of TRACE, DEBUG, INFO, SUCCESS, WARNING, ERROR, "
                    "CRITICAL (got \"{}\")",
                    settings.level));
  }
  const std::string& filename = settings.filename;
  if (filename.empty() || filename == "." || filename == ".." ||
      filename.find_first_of("/\\") != std::string::npos) {
    return settings_error(
        ErrorCode::kInvalidInput,
        fmt::format("LOG_FILENAME: must be a plain file name without '/' or '\\' (got \"{}\")",
                    filename));
  }
  // LOG_ROTATION / LOG_RETENTION are parsed by the settings loader (config/log_values.cpp);
  // the text fields are not re-parsed here, so there is one syntax and one meaning of "KB".
  auto rotation = detail::rotation_policy(settings.rotation_seconds, settings.rotation_bytes);
  if (!rotation) return rotation.error();
  auto keep =
      detail::retained_file_count(*rotation, settings.retention_seconds, settings.retention_files);
  if (!keep) return keep.error();
  // settings.compression (LOG_COMPRESSION) is accepted for compatibility but deliberately not
  // applied: rotated files stay plain text (compress them with logrotate/cron if needed).

  const fs::path dir = settings.path.empty() ? fs::path(".") : fs::path(settings.path);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    return settings_error(ErrorCode::kInternal,
                          fmt::format("LOG_PATH: cannot create directory \"{}\": {}", dir.string(),
                                      ec ? ec.message() : "not a directory"));
  }
  const fs::path file = dir / filename;

  std::vector<spdlog::sink_ptr> sinks;
  try {
    if (rotation->kind == detail::RotationPolicy::Kind::kSize) {
      sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          file.string(), static_cast<std::size_t>(rotation->max_bytes), *keep));
    } else {
      sinks.push_back(std::make_shared<detail::TimedRotatingFileSink>(file, rotation->unit,
                                                                      rotation->count, *keep));
    }
  } catch (const std::exception& e) {
    return settings_error(
        ErrorCode::kInternal,
        fmt::format("LOG_PATH: cannot open log file \"{}\": {}", file.string(), e.what()));
  }
  sinks.back()->set_formatter(make_formatter(kFilePattern));
  if (settings.console_enabled) {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    sinks.back()->set_formatter(make_formatter(kConsolePattern));
  }

  std::lock_guard lock(g_lifecycle);
  shutdown_locked();
  auto logger = std::make_shared<spdlog::logger>("gatehouse", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::trace);  // levels are filtered before the queue
  g_backend = std::make_shared<LineQueue>(std::move(logger));

  g_categories.store(parse_categories(settings.categories));
  g_min_level.store(static_cast<int>(level));
  g_console.store(settings.console_enabled);
  g_queue.store(g_backend);
  return ok();
}

void shutdown_logging() {
  std::lock_guard lock(g_lifecycle);
  shutdown_locked();
}

bool enabled(Category category) {
  return (g_categories.load(std::memory_order_relaxed) & static_cast<unsigned>(category)) != 0;
}

bool enabled(Category category, Level level) {
  return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed) &&
         enabled(category);
}

void log(Category category, Level level, std::string_view msg) {
  if (!enabled(category, level)) return;
  // Every line written while handling a request names its trace (docs/operations.md).
  if (const TraceContext* trace = current_trace()) {
    emit(level, fmt::format("{} trace={}", msg, trace->trace_id), false);
    return;
  }
  emit(level, msg, false);
}

void startup(Level level, std::string_view msg) { emit(level, msg, true); }

std::size_t dropped_log_messages() {
  std::lock_guard lock(g_lifecycle);
  return g_backend ? g_backend->dropped() : 0;
}

}  // namespace gatehouse::obs
