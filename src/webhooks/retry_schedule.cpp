#include "webhooks/retry_schedule.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace gatehouse::webhooks {

namespace {

using std::chrono::seconds;

// Longer waits than this are not worth representing: every give-up window is shorter.
constexpr seconds kMaxRetryAfter = std::chrono::hours(24 * 365);

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Digits only, at most 9 of them (callers check the range).
std::optional<int> small_number(std::string_view s) {
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

std::optional<unsigned> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (name == kMonths[i]) return static_cast<unsigned>(i + 1);
  }
  return std::nullopt;
}

bool is_day_name(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu",
                                                         "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 7> kLongDays{
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return std::find(kDays.begin(), kDays.end(), name) != kDays.end() ||
         std::find(kLongDays.begin(), kLongDays.end(), name) != kLongDays.end();
}

// "HH:MM:SS" as seconds since midnight.
std::optional<seconds> time_of_day(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  const auto h = small_number(s.substr(0, 2));
  const auto m = small_number(s.substr(3, 2));
  const auto sec = small_number(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return std::chrono::hours(*h) + std::chrono::minutes(*m) + seconds(*sec);
}

// Splits on blanks, and on ',' and '-' (which only separate fields in the three date forms).
std::vector<std::string_view> date_fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  const auto separator = [](char c) { return c == ' ' || c == ',' || c == '-'; };
  while (i < s.size()) {
    while (i < s.size() && separator(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !separator(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<std::chrono::sys_seconds> http_date(std::string_view s) {
  const std::vector<std::string_view> f = date_fields(s);
  // Plain values, 0 for "not read": GCC's -O3 -Wmaybe-uninitialized misreads optional<int>.
  int day = 0;
  unsigned month = 0;
  int year = 0;
  std::optional<seconds> time;
  if (f.size() == 6 && is_day_name(f[0]) && f[5] == "GMT") {
    // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
    day = small_number(f[1]).value_or(0);
    month = month_number(f[2]).value_or(0);
    year = small_number(f[3]).value_or(0);
    if (f[3].size() == 2 && year > 0) {
      year += year < 70 ? 2000 : 1900;
    } else if (f[3].size() == 2 && f[3] == "00") {
      year = 2000;
    } else if (f[3].size() != 4) {
      year = 0;
    }
    time = time_of_day(f[4]);
  } else if (f.size() == 5 && is_day_name(f[0])) {
    // asctime "Sun Nov  6 08:49:37 1994".
    month = month_number(f[1]).value_or(0);
    day = small_number(f[2]).value_or(0);
    time = time_of_day(f[3]);
    year = f[4].size() == 4 ? small_number(f[4]).value_or(0) : 0;
  }
  if (day <= 0 || month == 0 || year <= 0 || !time) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + *time;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

seconds RetrySchedule::delay(int failures) const {
  if (delays.empty()) return seconds(0);
  const auto index = static_cast<std::size_t>(std::max(failures, 1) - 1);
  return delays[std::min(index, delays.size() - 1)];
}

std::optional<store::Timestamp> RetrySchedule::next_attempt(
    int failures, store::Timestamp created_at, store::Timestamp now,
    std::optional<seconds> retry_after) const {
  seconds wait = delay(failures);
  if (retry_after) wait = std::max(wait, std::min(*retry_after, give_up_after));
  const store::Timestamp at = now + wait;
  if (at > created_at + give_up_after) return std::nullopt;
  return at;
}

RetrySchedule retry_schedule(const config::WebhookSettings& settings) {
  RetrySchedule schedule;
  schedule.delays.clear();
  for (int d : settings.retry_delays_seconds) schedule.delays.emplace_back(d);
  schedule.give_up_after =
      seconds(std::max<std::int64_t>(1, std::llround(settings.give_up_hours * 3600)));
  return schedule;
}

bool honours_retry_after(int status) { return status == 429 || status == 503; }

std::optional<seconds> parse_retry_after(std::string_view value, store::Timestamp now) {
  value = trimmed(value);
  if (all_digits(value)) {
    if (value.size() > 12) return kMaxRetryAfter;
    std::int64_t n = 0;
    for (char c : value) n = n * 10 + (c - '0');
    return std::min(seconds(n), kMaxRetryAfter);
  }
  const auto at = http_date(value);
  if (!at) return std::nullopt;
  const auto wait = std::chrono::ceil<seconds>(*at - now);
  return std::clamp(wait, seconds(0), kMaxRetryAfter);
}

}  // namespace gatehouse::webhooks
