// LoginTiming (issue 9 item 4): the floor of a failed login follows the slowest kind of
// password hash in use.
#include <gtest/gtest.h>

#include <chrono>

#include "services/login_timing.hpp"

namespace gatehouse::services {
namespace {

using std::chrono::milliseconds;
using Clock = LoginTiming::Clock;

crypto::HashSettings cheap() {
  crypto::HashSettings s;
  s.argon2_memory_kib = 8;
  s.argon2_iterations = 1;
  s.bcrypt_rounds = 4;
  return s;
}

Clock::duration floor_for(Clock::duration slowest) {
  return slowest + slowest / 8 + LoginTiming::kMargin;
}

TEST(LoginTiming, FloorFollowsTheSlowestKindSeen) {
  const crypto::PasswordHasher hasher(cheap());
  LoginTiming timing(hasher);
  EXPECT_EQ(timing.floor(), Clock::duration(LoginTiming::kMargin));
  timing.record("", milliseconds(8));  // the configured kind (dummy hash)
  EXPECT_EQ(timing.floor(), floor_for(milliseconds(8)));
  // A bcrypt hash met at login: now every failure waits as long as it.
  timing.record("$2b$10$abcdefghijklmnopqrstuu", milliseconds(48));
  EXPECT_EQ(timing.floor(), floor_for(milliseconds(48)));
  // Cheaper kinds and malformed hashes do not lower it.
  timing.record("$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", milliseconds(1));
  timing.record("not a hash", milliseconds(500));
  EXPECT_EQ(timing.floor(), floor_for(milliseconds(48)));
  const auto deadline = timing.failure_deadline(Clock::time_point{});
  EXPECT_EQ(deadline - Clock::time_point{}, floor_for(milliseconds(48)));
}

TEST(LoginTiming, PeaksAtOnceAndComesDownSlowly) {
  const crypto::PasswordHasher hasher(cheap());
  LoginTiming timing(hasher);
  timing.record("", milliseconds(64));
  timing.record("", milliseconds(32));  // 1/8 of the gap: 4 ms down
  EXPECT_EQ(timing.floor(), floor_for(milliseconds(60)));
  timing.record("", milliseconds(100));
  EXPECT_EQ(timing.floor(), floor_for(milliseconds(100)));
}

}  // namespace
}  // namespace gatehouse::services
