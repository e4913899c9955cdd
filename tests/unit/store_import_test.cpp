// ImportRepository on both backends (store_fixture.hpp says when and how each runs): rows
// inserted with their ids and columns as given, the lookups that judge them, the column rules,
// and the id generator moved past imported ids but never back.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store_fixture.hpp"

namespace gatehouse::store {
namespace {

class StoreImportTest : public StoreBackendTest {
 protected:
  static ImportedUser imported(std::int64_t id, const std::string& email) {
    ImportedUser u;
    u.id = id;
    u.email = email;
    u.password_hash = "$2b$04$abcdefghijklmnopqrstuuD2BB9Q4R5Xz4eW3l8oUQk2Bf5w6G7hi";
    u.first_name = "First";
    u.last_name = "Last";
    return u;
  }

  static ImportedApiKey key(const std::string& id, std::int64_t user_id, char fill) {
    ImportedApiKey k;
    k.id = id;
    k.user_id = user_id;
    k.key_hash = std::string(64, fill);
    k.name = "imported";
    k.created_at = at("2025-02-18T10:00:00.123456Z");
    return k;
  }
};

constexpr const char* kKeyA = "0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3";
constexpr const char* kKeyB = "11111111-2222-4333-8444-555555555555";

TEST_P(StoreImportTest, UsersKeepTheirIdsAndColumns) {
  ImportedUser admin = imported(40, "admin@example.com");
  admin.role = kRoleAdmin;
  admin.verified = true;
  ImportedUser banned = imported(7, "banned@example.com");
  banned.banned = true;
  const Timestamp when = at("2026-12-01T12:00:00Z");
  auto s = db_->imports().insert_users({admin, banned}, when);
  ASSERT_TRUE(s) << describe(s);

  auto stored = db_->users().find_by_id(40);
  ASSERT_TRUE(stored && *stored) << describe(stored);
  EXPECT_EQ((*stored)->email, "admin@example.com");
  EXPECT_EQ((*stored)->password_hash, admin.password_hash);
  EXPECT_EQ((*stored)->role, kRoleAdmin);
  EXPECT_TRUE((*stored)->verified);
  EXPECT_FALSE((*stored)->banned);
  EXPECT_EQ((*stored)->created_at, when);
  EXPECT_EQ((*stored)->tokens_valid_after, when);
  EXPECT_FALSE((*stored)->mfa_enabled);
  auto other = db_->users().find_by_id(7);
  ASSERT_TRUE(other && *other);
  EXPECT_TRUE((*other)->banned);
  EXPECT_FALSE((*other)->banned_until);

  // The next user made the usual way gets an id past the imported ones.
  EXPECT_TRUE(db_->imports().advance_user_ids());
  EXPECT_GT(create_user("next@example.com").id, 40);
}

TEST_P(StoreImportTest, TheIdGeneratorNeverMovesBack) {
  ASSERT_TRUE(db_->imports().insert_users({imported(3, "a@example.com")}, now_utc()));
  ASSERT_TRUE(db_->imports().advance_user_ids());
  const auto high = create_user("high@example.com").id;
  ASSERT_TRUE(db_->users().remove(high));
  ASSERT_TRUE(db_->imports().advance_user_ids());  // max(id) is 3 now: nothing moves
  EXPECT_GT(create_user("later@example.com").id, high);
}

TEST_P(StoreImportTest, LookupsFindRowsByIdOrEmail) {
  ASSERT_TRUE(db_->imports().insert_users({imported(5, "five@example.com")}, now_utc()));
  const User other = create_user("other@example.com");
  auto found = db_->imports().users_matching({5, 999}, {"other@example.com", "none@example.com"});
  ASSERT_TRUE(found) << describe(found);
  std::vector<std::int64_t> ids;
  for (const auto& f : *found) ids.push_back(f.id);
  std::sort(ids.begin(), ids.end());
  std::vector<std::int64_t> expected{5, other.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  auto none = db_->imports().users_matching({}, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreImportTest, KeysKeepIdsTimesAndScopes) {
  ASSERT_TRUE(db_->imports().insert_users({imported(5, "five@example.com")}, now_utc()));
  ImportedApiKey scoped = key(kKeyA, 5, 'a');
  scoped.scopes = std::vector<std::string>{"users:read"};
  scoped.last_used_at = at("2026-01-23T10:00:00Z");
  scoped.is_active = false;
  ImportedApiKey empty = key(kKeyB, 5, 'b');
  empty.scopes = std::vector<std::string>{};
  auto s = db_->imports().insert_api_keys(
      {scoped, empty, key("22222222-3333-4444-8555-666666666666", 5, 'c')});
  ASSERT_TRUE(s) << describe(s);

  auto a = db_->api_keys().find_by_id(kKeyA);
  ASSERT_TRUE(a && *a) << describe(a);
  EXPECT_EQ((*a)->key_hash, std::string(64, 'a'));
  EXPECT_EQ((*a)->created_at, scoped.created_at);
  EXPECT_EQ((*a)->last_used_at, scoped.last_used_at);
  EXPECT_FALSE((*a)->is_active);
  EXPECT_EQ((*a)->scopes, scoped.scopes);
  EXPECT_FALSE((*a)->expires_at);
  auto b = db_->api_keys().find_by_id(kKeyB);
  ASSERT_TRUE(b && *b);
  ASSERT_TRUE((*b)->scopes);  // empty stays empty, not null
  EXPECT_TRUE((*b)->scopes->empty());
  auto c = db_->api_keys().find_by_id("22222222-3333-4444-8555-666666666666");
  ASSERT_TRUE(c && *c);
  EXPECT_FALSE((*c)->scopes);

  auto found = db_->imports().api_keys_matching({kKeyA}, {std::string(64, 'b')});
  ASSERT_TRUE(found) << describe(found);
  EXPECT_EQ(found->size(), 2U);
}

TEST_P(StoreImportTest, ABatchThatBreaksARuleWritesNothing) {
  ImportedUser too_long = imported(9, std::string(121, 'x') + "@example.com");
  auto bad = db_->imports().insert_users({imported(8, "ok@example.com"), too_long}, now_utc());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  auto taken = db_->imports().insert_users({imported(8, "ok@example.com")}, now_utc());
  ASSERT_TRUE(taken) << describe(taken);
  auto again = db_->imports().insert_users({imported(8, "ok@example.com")}, now_utc());
  EXPECT_FALSE(again);
  auto count = db_->users().count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  auto orphan = db_->imports().insert_api_keys({key(kKeyA, 77, 'a')});
  EXPECT_FALSE(orphan);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreImportTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);

}  // namespace
}  // namespace gatehouse::store
