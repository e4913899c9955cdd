// Housekeeping (services/housekeeping.hpp): rows of tokens that expired more than the margin
// ago are deleted; rows of live tokens, and of tokens just expired, stay and keep refusing.
#include <gtest/gtest.h>

#include "service_fixture.hpp"
#include "services/housekeeping.hpp"

namespace gatehouse::services::testing {
namespace {

using namespace std::chrono_literals;

class HousekeepingTest : public ServiceFixture {};

TEST_F(HousekeepingTest, PurgesOnlyWhatExpiredBeforeTheMargin) {
  const store::User u = make_user("purge@example.com");
  Housekeeping housekeeping(*db_, [this] { return now_; });
  const store::Timestamp long_ago = now_ - kPurgeMargin - 1min;
  const store::Timestamp just_now = now_ - 1min;
  const store::Timestamp later = now_ + 5min;
  ASSERT_TRUE(*db_->used_tokens().consume("old-verify", "verify", long_ago));
  ASSERT_TRUE(*db_->used_tokens().consume("recent-verify", "verify", just_now));
  ASSERT_TRUE(*db_->used_tokens().consume("live-verify", "verify", later));
  ASSERT_TRUE(*db_->mfa().record_challenge_failure("old-mfa", u.id, long_ago, 1));
  ASSERT_TRUE(*db_->mfa().record_challenge_failure("live-mfa", u.id, later, 1));

  auto purged = housekeeping.run_once();
  ASSERT_TRUE(purged) << purged.error().cause;
  EXPECT_EQ(*purged, 2);
  // What stayed still refuses a second use; what went is forgotten.
  EXPECT_FALSE(*db_->used_tokens().consume("recent-verify", "verify", just_now));
  EXPECT_FALSE(*db_->used_tokens().consume("live-verify", "verify", later));
  EXPECT_TRUE(*db_->mfa().challenge_spent("live-mfa"));
  EXPECT_TRUE(*db_->used_tokens().consume("old-verify", "verify", long_ago));
  EXPECT_FALSE(*db_->mfa().challenge_spent("old-mfa"));
  ASSERT_TRUE(*db_->mfa().record_challenge_failure("old-mfa", u.id, long_ago, 1));
  // A second pass finds the two rows just re-added (still expired) and nothing else.
  EXPECT_EQ(*housekeeping.run_once(), 2);
}

TEST_F(HousekeepingTest, StartsAndStopsItsThread) {
  Housekeeping housekeeping(*db_, [this] { return now_; });
  housekeeping.start(std::chrono::seconds(3600));
  housekeeping.stop();
  housekeeping.stop();  // twice is fine
}

}  // namespace
}  // namespace gatehouse::services::testing
