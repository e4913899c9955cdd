// RetrySchedule: every step of the default delays, the last one repeating, delays and the
// give-up window from the settings, Retry-After (seconds and HTTP-dates) lengthening a wait
// up to the window, and giving up once the window is over.
#include <gtest/gtest.h>

#include <chrono>

#include "webhooks/retry_schedule.hpp"

namespace gatehouse::webhooks {
namespace {

using namespace std::chrono_literals;
using store::Timestamp;

const Timestamp kCreated = std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} + 19h;

TEST(WebhookRetrySchedule, DefaultStepsThenHourly) {
  const RetrySchedule s;
  EXPECT_EQ(s.delay(1), 5s);
  EXPECT_EQ(s.delay(2), 30s);
  EXPECT_EQ(s.delay(3), 2min);
  EXPECT_EQ(s.delay(4), 10min);
  EXPECT_EQ(s.delay(5), 30min);
  EXPECT_EQ(s.delay(6), 1h);
  EXPECT_EQ(s.delay(7), 1h);
  EXPECT_EQ(s.delay(100), 1h);
  EXPECT_EQ(s.delay(0), 5s);
  EXPECT_EQ(s.give_up_after, 24h);
}

TEST(WebhookRetrySchedule, NextAttemptIsNowPlusTheDelay) {
  const RetrySchedule s;
  const Timestamp now = kCreated + 10s;
  EXPECT_EQ(s.next_attempt(1, kCreated, now), now + 5s);
  EXPECT_EQ(s.next_attempt(3, kCreated, now), now + 2min);
  EXPECT_EQ(s.next_attempt(9, kCreated, now), now + 1h);
}

TEST(WebhookRetrySchedule, GivesUpOnceTheWindowIsOver) {
  const RetrySchedule s;
  // The last retry that still fits: exactly at created + 24 h.
  EXPECT_EQ(s.next_attempt(20, kCreated, kCreated + 23h), kCreated + 24h);
  EXPECT_FALSE(s.next_attempt(20, kCreated, kCreated + 23h + 1s));
  EXPECT_FALSE(s.next_attempt(1, kCreated, kCreated + 24h));
  EXPECT_FALSE(s.next_attempt(1, kCreated, kCreated + 48h));
}

TEST(WebhookRetrySchedule, WalkingTheDefaultScheduleGivesUpAfterADay) {
  const RetrySchedule s;
  Timestamp now = kCreated;
  int failures = 0;
  while (auto next = s.next_attempt(failures + 1, kCreated, now)) {
    ++failures;
    now = *next;
  }
  // 5 s + 30 s + 2 min + 10 min + 30 min = 42 min 35 s, then hourly until 24 h: 23 more.
  EXPECT_EQ(failures, 5 + 23);
  EXPECT_LE(now, kCreated + 24h);
}

TEST(WebhookRetrySchedule, RetryAfterLengthensButNeverShortens) {
  const RetrySchedule s;
  const Timestamp now = kCreated + 1min;
  EXPECT_EQ(s.next_attempt(1, kCreated, now, 3s), now + 5s);
  EXPECT_EQ(s.next_attempt(1, kCreated, now, 120s), now + 120s);
  EXPECT_EQ(s.next_attempt(6, kCreated, now, 90min), now + 90min);
  EXPECT_EQ(s.next_attempt(6, kCreated, now, 0s), now + 1h);
}

TEST(WebhookRetrySchedule, RetryAfterIsCappedAtTheWindow) {
  RetrySchedule s;
  s.give_up_after = 1h;
  // Capped at 1 h, and now + 1 h is past created + 1 h: given up.
  EXPECT_FALSE(s.next_attempt(1, kCreated, kCreated + 1s, 100h));
  // At creation time the cap still fits exactly.
  EXPECT_EQ(s.next_attempt(1, kCreated, kCreated, 100h), kCreated + 1h);
}

TEST(WebhookRetrySchedule, FromTheSettings) {
  config::WebhookSettings settings;
  RetrySchedule s = retry_schedule(settings);
  EXPECT_EQ(s.delays, RetrySchedule().delays);
  EXPECT_EQ(s.give_up_after, 24h);

  settings.retry_delays_seconds = {1, 2};
  settings.give_up_hours = 0.002;  // 7.2 s
  s = retry_schedule(settings);
  EXPECT_EQ(s.delay(1), 1s);
  EXPECT_EQ(s.delay(2), 2s);
  EXPECT_EQ(s.delay(3), 2s);
  EXPECT_EQ(s.give_up_after, 7s);
  EXPECT_EQ(s.next_attempt(3, kCreated, kCreated + 5s), kCreated + 7s);
  EXPECT_FALSE(s.next_attempt(3, kCreated, kCreated + 6s));
}

TEST(WebhookRetryAfter, OnlyFor429And503) {
  EXPECT_TRUE(honours_retry_after(429));
  EXPECT_TRUE(honours_retry_after(503));
  for (int status : {0, 200, 302, 400, 500, 502, 504}) EXPECT_FALSE(honours_retry_after(status));
}

TEST(WebhookRetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("3", kCreated), 3s);
  EXPECT_EQ(parse_retry_after(" 120 ", kCreated), 120s);
  EXPECT_EQ(parse_retry_after("0", kCreated), 0s);
  EXPECT_EQ(parse_retry_after("99999999999999999999999", kCreated), 24h * 365);
  for (const char* bad : {"", "-1", "1.5", "3s", "+3", "soon", "0x10"}) {
    EXPECT_FALSE(parse_retry_after(bad, kCreated)) << bad;
  }
}

TEST(WebhookRetryAfter, HttpDatesInTheirThreeForms) {
  // kCreated is Sun, 06 Dec 2026 19:00:00 GMT.
  EXPECT_EQ(parse_retry_after("Sun, 06 Dec 2026 19:01:30 GMT", kCreated), 90s);
  EXPECT_EQ(parse_retry_after("Sunday, 06-Dec-26 19:01:30 GMT", kCreated), 90s);
  EXPECT_EQ(parse_retry_after("Sun Dec  6 19:01:30 2026", kCreated), 90s);
  EXPECT_EQ(parse_retry_after("Mon, 07 Dec 2026 19:00:00 GMT", kCreated), 24h);
  // A fraction of a second left counts as a whole one; the past as none.
  EXPECT_EQ(parse_retry_after("Sun, 06 Dec 2026 19:00:01 GMT", kCreated + 500ms), 1s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kCreated), 0s);
  for (const char* bad :
       {"Sun, 06 Dec 2026 19:01:30 UTC", "Sun, 31 Feb 2026 19:01:30 GMT",
        "Sun, 06 Dek 2026 19:01:30 GMT", "Sun, 06 Dec 2026 25:01:30 GMT",
        "Sun, 06 Dec 2026 19:01 GMT", "2026-12-06T19:01:30Z", "Sun, 06 Dec 226 19:01:30 GMT"}) {
    EXPECT_FALSE(parse_retry_after(bad, kCreated)) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::webhooks
