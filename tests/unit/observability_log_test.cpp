// Logging (categories, levels, file format, rotation) and access-log redaction.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include "observability/access_log.hpp"
#include "observability/log.hpp"
#include "observability/log_sinks.hpp"
#include "observability/trace_context.hpp"

namespace fs = std::filesystem;
namespace obs = gatehouse::obs;
using obs::Category;
using obs::Level;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            fmt::format("gatehouse-obs-{}-{}", ::getpid(), counter.fetch_add(1));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(p));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

gatehouse::config::LogSettings settings_in(const fs::path& dir) {
  gatehouse::config::LogSettings s;
  s.path = dir.string();
  s.level = "DEBUG";
  s.categories = "ALL";
  return s;
}

// Every test leaves logging in the pre-init mode.
class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { obs::shutdown_logging(); }
  TempDir dir_;
};

// A type that counts how often it is formatted.
struct Counted {
  static inline int formatted = 0;
};

}  // namespace

template <>
struct fmt::formatter<Counted> : fmt::formatter<std::string_view> {
  auto format(const Counted&, fmt::format_context& ctx) const {
    ++Counted::formatted;
    return fmt::formatter<std::string_view>::format("counted", ctx);
  }
};

// --- categories and levels ---------------------------------------------------------------

TEST(LogCategories, ParsesAllNoneAndLists) {
  EXPECT_EQ(obs::parse_categories("ALL"), obs::kAllCategories);
  EXPECT_EQ(obs::parse_categories(" all "), obs::kAllCategories);
  EXPECT_EQ(obs::parse_categories("NONE"), obs::kNoCategories);
  EXPECT_EQ(obs::parse_categories(""), obs::kNoCategories);
  EXPECT_EQ(obs::parse_categories("auth, Requests"),
            static_cast<unsigned>(Category::kAuth) | static_cast<unsigned>(Category::kRequests));
  EXPECT_EQ(obs::parse_categories(" cache ,bogus,, "), static_cast<unsigned>(Category::kCache));
  EXPECT_EQ(obs::parse_categories("API_KEYS,errors"),
            static_cast<unsigned>(Category::kApiKeys) | static_cast<unsigned>(Category::kErrors));
  EXPECT_EQ(obs::parse_categories("auth,ALL"), obs::kAllCategories);
  EXPECT_EQ(obs::parse_categories("REQUESTS,AUTH,DATABASE,EMAIL,ERRORS,ADMIN,API_KEYS,CACHE"),
            obs::kAllCategories & ~static_cast<unsigned>(Category::kWebhooks));
  EXPECT_EQ(
      obs::parse_categories("REQUESTS,AUTH,DATABASE,EMAIL,ERRORS,ADMIN,API_KEYS,CACHE,WEBHOOKS"),
      obs::kAllCategories);
  EXPECT_EQ(obs::parse_categories("api keys"), obs::kNoCategories);
}

TEST(LogLevels, ParsesNames) {
  Level level = Level::kInfo;
  EXPECT_TRUE(obs::parse_level(" success ", level));
  EXPECT_EQ(level, Level::kSuccess);
  EXPECT_TRUE(obs::parse_level("warn", level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_TRUE(obs::parse_level("CRITICAL", level));
  EXPECT_EQ(level, Level::kCritical);
  EXPECT_FALSE(obs::parse_level("verbose", level));
  EXPECT_EQ(level, Level::kCritical);
  EXPECT_EQ(obs::level_name(Level::kWarning), "WARNING");
}

// --- rotation / retention specs -----------------------------------------------------------

TEST(LogRotationPolicy, DerivesUnitsFromParsedSettings) {
  using obs::detail::rotation_policy;
  using obs::detail::RotationPolicy;
  using obs::detail::TimeUnit;
  auto day = rotation_policy(86400, 0);
  ASSERT_TRUE(day);
  EXPECT_EQ(day->kind, RotationPolicy::Kind::kTime);
  EXPECT_EQ(day->unit, TimeUnit::kDay);
  EXPECT_EQ(day->count, 1);
  auto hours = rotation_policy(6 * 3600, 0);
  ASSERT_TRUE(hours);
  EXPECT_EQ(hours->unit, TimeUnit::kHour);
  EXPECT_EQ(hours->count, 6);
  auto weeks = rotation_policy(14 * 86400, 0);
  ASSERT_TRUE(weeks);
  EXPECT_EQ(weeks->unit, TimeUnit::kWeek);
  EXPECT_EQ(weeks->count, 2);
  auto minutes = rotation_policy(90 * 60, 0);
  ASSERT_TRUE(minutes);
  EXPECT_EQ(minutes->unit, TimeUnit::kMinute);
  EXPECT_EQ(minutes->count, 90);
  auto size = rotation_policy(0, 10 * 1024 * 1024);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->kind, RotationPolicy::Kind::kSize);
  EXPECT_EQ(size->max_bytes, 10u * 1024 * 1024);

  for (auto [seconds, bytes] :
       {std::pair<std::int64_t, std::uint64_t>{0, 0}, {86400, 1024}, {-60, 0}, {90, 0}}) {
    auto r = rotation_policy(seconds, bytes);
    ASSERT_FALSE(r) << seconds << " " << bytes;
    EXPECT_EQ(r.error().public_message.rfind("LOG_ROTATION: ", 0), 0u);
  }
}

TEST(LogRotationPolicy, CountsRetainedFiles) {
  using obs::detail::retained_file_count;
  using obs::detail::rotation_policy;
  const auto daily = *rotation_policy(86400, 0);
  EXPECT_EQ(*retained_file_count(daily, 0, 5), 5u);
  EXPECT_EQ(*retained_file_count(*rotation_policy(0, 1024), 0, 5), 5u);
  EXPECT_EQ(*retained_file_count(daily, 30 * 86400, 0), 30u);
  EXPECT_EQ(*retained_file_count(*rotation_policy(2 * 86400, 0), 30 * 86400, 0), 15u);
  EXPECT_EQ(*retained_file_count(*rotation_policy(7 * 86400, 0), 30 * 86400, 0), 5u);  // ceil
  EXPECT_EQ(*retained_file_count(*rotation_policy(3600, 0), 30 * 86400, 0), 720u);
  EXPECT_EQ(*retained_file_count(*rotation_policy(0, 1024), 30 * 86400, 0), 30u);
  EXPECT_EQ(*retained_file_count(daily, 14 * 86400, 0), 14u);
  EXPECT_EQ(*retained_file_count(*rotation_policy(7 * 86400, 0), 86400, 0), 1u);
  auto r = retained_file_count(daily, 0, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().public_message.rfind("LOG_RETENTION: ", 0), 0u);
}

// --- pre-init mode -----------------------------------------------------------------------

TEST(LogPreInit, WritesWarningsAndStartupToStderrOnly) {
  obs::shutdown_logging();
  EXPECT_TRUE(obs::enabled(Category::kAuth));
  EXPECT_FALSE(obs::enabled(Category::kAuth, Level::kInfo));
  EXPECT_TRUE(obs::enabled(Category::kAuth, Level::kWarning));
  ::testing::internal::CaptureStderr();
  obs::info(Category::kAuth, "dropped {}", 1);
  obs::warning(Category::kAuth, "careful {}", 2);
  obs::startup(Level::kInfo, "starting");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "WARNING  careful 2\nINFO     starting\n");
}

// --- file output ---------------------------------------------------------------------------

TEST_F(LogTest, FileLinesHaveLoguruFormat) {
  auto s = settings_in(dir_.path() / "nested" / "logs");
  s.categories = "AUTH, requests";
  s.filename = "test.log";
  ASSERT_TRUE(obs::init_logging(s));
  obs::info(Category::kAuth, "Access token created for user {}", 42);
  obs::success(Category::kAuth, "verified");
  obs::warning(Category::kRequests, "slow");
  obs::debug(Category::kAuth, "debug line");
  obs::error(Category::kAuth, "bad");
  obs::critical(Category::kAuth, "worse");
  obs::trace(Category::kAuth, "below LOG_LEVEL");
  obs::info(Category::kDatabase, "category disabled");
  obs::log(Category::kAuth, Level::kInfo, "forged\nINFO line\r\x01");
  obs::shutdown_logging();

  const auto lines = read_lines(dir_.path() / "nested" / "logs" / "test.log");
  ASSERT_EQ(lines.size(), 7u);
  const std::regex format(R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \| (.{8}) \| (.*)$)");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"INFO    ", "Access token created for user 42"},
      {"SUCCESS ", "verified"},
      {"WARNING ", "slow"},
      {"DEBUG   ", "debug line"},
      {"ERROR   ", "bad"},
      {"CRITICAL", "worse"},
      {"INFO    ", R"(forged\nINFO line\r\x01)"},
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, format)) << lines[i];
    EXPECT_EQ(m[1].str(), expected[i].first);
    EXPECT_EQ(m[2].str(), expected[i].second);
  }
}

TEST_F(LogTest, DisabledCategoryWritesNothingAndSkipsFormatting) {
  auto s = settings_in(dir_.path());
  s.categories = "NONE";
  ASSERT_TRUE(obs::init_logging(s));
  EXPECT_FALSE(obs::enabled(Category::kRequests));
  Counted::formatted = 0;
  obs::info(Category::kRequests, "{}", Counted{});
  obs::error(Category::kErrors, "{}", Counted{});
  obs::log(Category::kAuth, Level::kCritical, "nothing");
  EXPECT_EQ(Counted::formatted, 0);
  obs::shutdown_logging();
  EXPECT_TRUE(fs::exists(dir_.path() / "api.log"));
  EXPECT_EQ(read_file(dir_.path() / "api.log"), "");
}

// Lines written while a request is handled name its trace; others do not.
TEST_F(LogTest, LinesInsideATraceScopeNameTheTrace) {
  ASSERT_TRUE(obs::init_logging(settings_in(dir_.path())));
  const obs::TraceContext trace = obs::incoming_trace(std::nullopt);
  {
    const obs::TraceScope scope(trace);
    obs::info(Category::kAuth, "inside");
  }
  obs::info(Category::kAuth, "outside");
  obs::shutdown_logging();
  const auto lines = read_lines(dir_.path() / "api.log");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].ends_with("| inside trace=" + trace.trace_id)) << lines[0];
  EXPECT_TRUE(lines[1].ends_with("| outside")) << lines[1];
}

TEST_F(LogTest, LevelBelowThresholdSkipsFormatting) {
  auto s = settings_in(dir_.path());
  s.level = "warning";
  ASSERT_TRUE(obs::init_logging(s));
  Counted::formatted = 0;
  obs::info(Category::kAuth, "{}", Counted{});
  obs::success(Category::kAuth, "{}", Counted{});
  EXPECT_EQ(Counted::formatted, 0);
  obs::warning(Category::kAuth, "{}", Counted{});
  EXPECT_EQ(Counted::formatted, 1);
  obs::shutdown_logging();
  const auto lines = read_lines(dir_.path() / "api.log");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("| WARNING  | counted"), std::string::npos);
}

TEST_F(LogTest, StartupMessagesIgnoreCategoriesAndLevel) {
  auto s = settings_in(dir_.path());
  s.categories = "NONE";
  s.level = "ERROR";
  ASSERT_TRUE(obs::init_logging(s));
  ::testing::internal::CaptureStderr();
  obs::startup(Level::kInfo, "Database tested");
  obs::shutdown_logging();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "INFO     Database tested\n");
  const auto lines = read_lines(dir_.path() / "api.log");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("| INFO     | Database tested"), std::string::npos);
}

TEST_F(LogTest, ConsoleSinkWritesLevelAndMessage) {
  auto s = settings_in(dir_.path());
  s.console_enabled = true;
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(obs::init_logging(s));
  obs::success(Category::kAuth, "User {} successfully verified", 7);
  obs::startup(Level::kWarning, "CORS allows *");  // once, through the console sink
  obs::shutdown_logging();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "SUCCESS  User 7 successfully verified\nWARNING  CORS allows *\n");
  EXPECT_EQ(read_lines(dir_.path() / "api.log").size(), 2u);
}

TEST_F(LogTest, ReportsBadSettingsByVariableName) {
  auto s = settings_in(dir_.path());
  s.level = "LOUD";
  auto r = obs::init_logging(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().public_message.rfind("LOG_LEVEL: ", 0), 0u);

  s = settings_in(dir_.path());
  s.filename = "../escape.log";
  r = obs::init_logging(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().public_message.rfind("LOG_FILENAME: ", 0), 0u);

  s = settings_in(dir_.path());
  s.rotation_seconds = 0;  // neither a period nor a size
  r = obs::init_logging(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().public_message.rfind("LOG_ROTATION: ", 0), 0u);

  s = settings_in(dir_.path());
  s.retention_seconds = 0;  // neither an age nor a file count
  r = obs::init_logging(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().public_message.rfind("LOG_RETENTION: ", 0), 0u);
}

TEST_F(LogTest, UncreatableLogPathIsAnErrorNamingLogPath) {
  std::ofstream(dir_.path() / "plain-file") << "x";
  auto s = settings_in(dir_.path() / "plain-file" / "logs");
  auto r = obs::init_logging(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().public_message.rfind("LOG_PATH: ", 0), 0u) << r.error().public_message;
  EXPECT_EQ(r.error().code, gatehouse::ErrorCode::kInternal);
  // Still in pre-init mode.
  EXPECT_FALSE(obs::enabled(Category::kAuth, Level::kInfo));
}

TEST_F(LogTest, SizeRotationKeepsRetainedFiles) {
  auto s = settings_in(dir_.path());
  s.rotation = "1 KB";  // as the loader fills it: the text and the parsed fields
  s.rotation_seconds = 0;
  s.rotation_bytes = 1000;
  s.retention = "3 files";
  s.retention_seconds = 0;
  s.retention_files = 3;
  ASSERT_TRUE(obs::init_logging(s));
  for (int i = 0; i < 200; ++i) obs::info(Category::kAuth, "line number {:04}", i);
  obs::shutdown_logging();

  EXPECT_TRUE(fs::exists(dir_.path() / "api.log"));
  EXPECT_TRUE(fs::exists(dir_.path() / "api.1.log"));
  EXPECT_TRUE(fs::exists(dir_.path() / "api.2.log"));
  EXPECT_TRUE(fs::exists(dir_.path() / "api.3.log"));
  EXPECT_FALSE(fs::exists(dir_.path() / "api.4.log"));
  for (const char* name : {"api.log", "api.1.log", "api.2.log", "api.3.log"}) {
    EXPECT_LE(fs::file_size(dir_.path() / name), 1000u) << name;
  }
  // The newest line is in the active file; api.1.log holds the lines just before.
  const auto active = read_lines(dir_.path() / "api.log");
  ASSERT_FALSE(active.empty());
  EXPECT_NE(active.back().find("line number 0199"), std::string::npos);
  const auto previous = read_lines(dir_.path() / "api.1.log");
  ASSERT_FALSE(previous.empty());
  EXPECT_NE(previous.back().find(fmt::format("line number {:04}", 199 - active.size())),
            std::string::npos);
}

TEST_F(LogTest, DefaultSettingsWriteToLogFilename) {
  gatehouse::config::LogSettings s;  // "1 day", "30 days", api.log
  s.path = dir_.path().string();
  ASSERT_TRUE(obs::init_logging(s));
  obs::info(Category::kRequests, "{}", obs::access_log_line("10.0.0.1", "GET", "/", "", 200, 0.5));
  obs::shutdown_logging();
  const auto lines = read_lines(dir_.path() / "api.log");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"(| INFO     | 10.0.0.1 - "GET /" 200 (0.500s))"), std::string::npos);
  EXPECT_EQ(obs::dropped_log_messages(), 0u);
}

TEST_F(LogTest, ConcurrentWritersInterleaveWholeLines) {
  ASSERT_TRUE(obs::init_logging(settings_in(dir_.path())));
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;  // 8000 in total: within the queue, so nothing is dropped
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) obs::info(Category::kAuth, "thread {} line {}", t, i);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(obs::dropped_log_messages(), 0u);
  obs::shutdown_logging();
  const auto lines = read_lines(dir_.path() / "api.log");
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  const std::regex format(R"(^\S+ \S+ \| INFO     \| thread \d line \d+$)");
  for (const auto& line : lines) ASSERT_TRUE(std::regex_match(line, format)) << line;
}

// --- time-based rotation (sink driven directly with message timestamps) -------------------

namespace {

using TimePoint = std::chrono::system_clock::time_point;

TimePoint local_time(int year, int month, int day, int hour, int minute, int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

void write_at(obs::detail::TimedRotatingFileSink& sink, TimePoint t, std::string_view text) {
  spdlog::details::log_msg msg(t, spdlog::source_loc{}, "test", spdlog::level::info,
                               spdlog::string_view_t(text.data(), text.size()));
  sink.log(msg);
  sink.flush();
}

std::vector<std::string> dir_listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST(TimedRotation, DailyFilesAreNamedAfterTheirDayAndRetained) {
  TempDir dir;
  obs::detail::TimedRotatingFileSink sink(dir.path() / "api.log", obs::detail::TimeUnit::kDay, 1,
                                          2);
  sink.set_pattern("%v");
  write_at(sink, local_time(2024, 3, 5, 10, 0), "first");
  write_at(sink, local_time(2024, 3, 5, 23, 59, 59), "second");
  write_at(sink, local_time(2024, 3, 6, 0, 0, 1), "third");
  EXPECT_EQ(read_file(dir.path() / "api.2024-03-05.log"), "first\nsecond\n");
  EXPECT_EQ(read_file(dir.path() / "api.log"), "third\n");

  write_at(sink, local_time(2024, 3, 7, 12, 0), "day 7");
  write_at(sink, local_time(2024, 3, 8, 12, 0), "day 8");
  write_at(sink, local_time(2024, 3, 10, 9, 0), "day 10");  // a quiet day in between
  EXPECT_EQ(dir_listing(dir.path()),
            (std::vector<std::string>{"api.2024-03-07.log", "api.2024-03-08.log", "api.log"}));
  EXPECT_EQ(read_file(dir.path() / "api.2024-03-08.log"), "day 8\n");
  EXPECT_EQ(read_file(dir.path() / "api.log"), "day 10\n");
}

TEST(TimedRotation, RestartRotatesYesterdaysFileByItsModificationTime) {
  TempDir dir;
  const fs::path file = dir.path() / "app.txt";
  std::ofstream(file) << "old\n";
  const std::time_t old_mtime =
      std::chrono::system_clock::to_time_t(local_time(2024, 3, 5, 18, 30));
  struct timespec times[2] = {{old_mtime, 0}, {old_mtime, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0);

  obs::detail::TimedRotatingFileSink sink(file, obs::detail::TimeUnit::kDay, 1, 30);
  sink.set_pattern("%v");
  write_at(sink, local_time(2024, 3, 6, 8, 0), "new");
  EXPECT_EQ(read_file(dir.path() / "app.2024-03-05.txt"), "old\n");
  EXPECT_EQ(read_file(file), "new\n");
}

TEST(TimedRotation, NameCollisionGetsASuffix) {
  TempDir dir;
  std::ofstream(dir.path() / "api.2024-03-05.log") << "earlier\n";
  obs::detail::TimedRotatingFileSink sink(dir.path() / "api.log", obs::detail::TimeUnit::kDay, 1,
                                          30);
  sink.set_pattern("%v");
  write_at(sink, local_time(2024, 3, 5, 10, 0), "a");
  write_at(sink, local_time(2024, 3, 6, 10, 0), "b");
  EXPECT_EQ(read_file(dir.path() / "api.2024-03-05.log"), "earlier\n");
  EXPECT_EQ(read_file(dir.path() / "api.2024-03-05_1.log"), "a\n");
}

TEST(TimedRotation, PeriodsForHoursMinutesAndWeeks) {
  TempDir dir;
  using obs::detail::TimeUnit;
  obs::detail::TimedRotatingFileSink hours(dir.path() / "h.log", TimeUnit::kHour, 2, 1);
  EXPECT_EQ(hours.period_start(local_time(2024, 3, 5, 13, 30)), local_time(2024, 3, 5, 12, 0));
  EXPECT_EQ(hours.period_end(local_time(2024, 3, 5, 12, 0)), local_time(2024, 3, 5, 14, 0));
  EXPECT_EQ(hours.rotated_name(local_time(2024, 3, 5, 12, 0)), "h.2024-03-05_12-00.log");

  // 7 does not divide a day: the last period is cut at midnight.
  obs::detail::TimedRotatingFileSink minutes(dir.path() / "m.log", TimeUnit::kMinute, 7, 1);
  EXPECT_EQ(minutes.period_start(local_time(2024, 3, 5, 23, 58, 30)),
            local_time(2024, 3, 5, 23, 55));
  EXPECT_EQ(minutes.period_end(local_time(2024, 3, 5, 23, 55)), local_time(2024, 3, 6, 0, 0));

  obs::detail::TimedRotatingFileSink weeks(dir.path() / "w.log", TimeUnit::kWeek, 1, 1);
  EXPECT_EQ(weeks.period_start(local_time(2024, 3, 5, 13, 30)), local_time(2024, 3, 5, 0, 0));
  EXPECT_EQ(weeks.period_end(local_time(2024, 3, 5, 0, 0)), local_time(2024, 3, 12, 0, 0));
  EXPECT_EQ(weeks.rotated_name(local_time(2024, 3, 5, 0, 0)), "w.2024-03-05.log");

  obs::detail::TimedRotatingFileSink days(dir.path() / "d.log", TimeUnit::kDay, 3, 1);
  EXPECT_EQ(days.period_end(local_time(2024, 2, 28, 0, 0)), local_time(2024, 3, 2, 0, 0));
}

// --- redaction and the access-log line ------------------------------------------------------

TEST(RedactQuery, RedactsSecretParameters) {
  EXPECT_EQ(obs::redact_query("code=abc"), "code=REDACTED");
  EXPECT_EQ(obs::redact_query("password=x&page=2"), "password=REDACTED&page=2");
  EXPECT_EQ(obs::redact_query("myToken=abc&x=1"), "myToken=REDACTED&x=1");
  EXPECT_EQ(obs::redact_query("CODE=1"), "CODE=REDACTED");
  EXPECT_EQ(obs::redact_query("client_Secret=s&new_password=p"),
            "client_Secret=REDACTED&new_password=REDACTED");
  for (const char* name : {"token", "reset_token", "verification", "verify", "access_token",
                           "refresh_token", "api_key", "key"}) {
    EXPECT_EQ(obs::redact_query(std::string(name) + "=v&a=b"), std::string(name) + "=REDACTED&a=b");
  }
}

TEST(RedactQuery, KeepsQueryVerbatimWhenNothingIsSecret) {
  EXPECT_EQ(obs::redact_query(""), "");
  EXPECT_EQ(obs::redact_query("page=2&size=10"), "page=2&size=10");
  EXPECT_EQ(obs::redact_query("q=a+b%20c&&flag&x=%zz"), "q=a+b%20c&&flag&x=%zz");
  EXPECT_EQ(obs::redact_query("keys=1&monkey=2&codes=3"), "keys=1&monkey=2&codes=3");
}

TEST(RedactQuery, ReencodesLikeUrlencodeKeepingBlankValues) {
  EXPECT_EQ(obs::redact_query("token=&next="), "token=REDACTED&next=");
  EXPECT_EQ(obs::redact_query("token&flag"), "token=REDACTED&flag=");
  EXPECT_EQ(obs::redact_query("code=1&&a=2"), "code=REDACTED&a=2");
  EXPECT_EQ(obs::redact_query("code=1&next=%2Fhome%3Fx%3D1&q=a+b%20c"),
            "code=REDACTED&next=%2Fhome%3Fx%3D1&q=a+b+c");
  EXPECT_EQ(obs::redact_query("code=1&q=caf%C3%A9&t=%7e&x=%zz&p=a/b"),
            "code=REDACTED&q=caf%C3%A9&t=~&x=%25zz&p=a%2Fb");
}

TEST(RedactQuery, DecodesNamesBeforeMatching) {
  EXPECT_EQ(obs::redact_query("%63ode=abc"), "code=REDACTED");
  EXPECT_EQ(obs::redact_query("api%5Fkey=zzz&x=1"), "api_key=REDACTED&x=1");
  EXPECT_EQ(obs::redact_query("reset+token=1"), "reset+token=REDACTED");
  EXPECT_EQ(obs::redact_query("pass%77ord=hunter2"), "password=REDACTED");
}

TEST(AccessLog, FormatsLikeTheReference) {
  EXPECT_EQ(obs::access_log_line("1.2.3.4", "GET", "/users/", "", 200, 0.01234),
            R"(1.2.3.4 - "GET /users/" 200 (0.012s))");
  EXPECT_EQ(obs::access_log_line("", "GET", "/verify/", "code=abc", 302, 1.0),
            R"(unknown - "GET /verify/?code=REDACTED" 302 (1.000s))");
  EXPECT_EQ(obs::access_log_line("::1", "POST", "/users/search", "page=2&size=5", 422, 12.3456),
            R"(::1 - "POST /users/search?page=2&size=5" 422 (12.346s))");
}

TEST(AccessLog, ErrorAnswersEndWithTheirDomainCode) {
  EXPECT_EQ(obs::access_log_line("1.2.3.4", "GET", "/users/me", "", 401, 0.002, "token_expired"),
            R"(1.2.3.4 - "GET /users/me" 401 (0.002s) error=token_expired)");
  EXPECT_EQ(obs::access_log_line("1.2.3.4", "GET", "/users/me", "", 200, 0.002, ""),
            R"(1.2.3.4 - "GET /users/me" 200 (0.002s))");
}
