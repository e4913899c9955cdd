// ImportRepository on both backends (store_fixture.hpp says when and how each runs): rows
// inserted with their ids and columns as given, the lookups that judge them, the column rules,
// and the id generator moved past imported ids but never back; TemplateImport over a scripted
// source where a backend matters (ids after a run that failed midway, roles here); and the
// PostgreSQL source's snapshot.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "services/template_import.hpp"
#include "store/database.hpp"
#include "store/postgres/fastapi_template_source.hpp"
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

TEST_P(StoreImportTest, UsersMatchingGivesTheRoleHere) {
  ImportedUser admin = imported(5, "five@example.com");
  admin.role = kRoleAdmin;
  ASSERT_TRUE(db_->imports().insert_users({admin, imported(6, "six@example.com")}, now_utc()));
  auto found = db_->imports().users_matching({5, 6}, {});
  ASSERT_TRUE(found) << describe(found);
  ASSERT_EQ(found->size(), 2U);
  for (const auto& f : *found) EXPECT_EQ(f.role, f.id == 5 ? kRoleAdmin : kRoleUser) << f.id;
}

// A source of users (at add_api_keys_table) and keys given by the test; users_after fails
// from page `fail_at_page` on, as a lost connection would.
class ScriptedSource final : public TemplateSource {
 public:
  std::vector<ImportedUser> users;
  std::vector<TemplateApiKey> keys;
  int fail_at_page = -1;

  Result<std::optional<std::vector<std::string>>> revisions() override {
    return std::optional<std::vector<std::string>>(std::vector<std::string>{"add_api_keys_table"});
  }
  Result<std::int64_t> count_users() override { return static_cast<std::int64_t>(users.size()); }
  Result<std::int64_t> count_api_keys() override { return static_cast<std::int64_t>(keys.size()); }
  Result<std::vector<ImportedUser>> users_after(std::int64_t after_id, int limit) override {
    if (pages_++ == fail_at_page) return Error::unavailable("the source went away", "scripted");
    std::vector<ImportedUser> out;
    for (const auto& u : users) {
      if (u.id > after_id && static_cast<int>(out.size()) < limit) out.push_back(u);
    }
    return out;
  }
  Result<std::vector<TemplateApiKey>> api_keys_after(const std::string& after_id, int limit,
                                                     bool /*has_last_used_at*/) override {
    std::vector<TemplateApiKey> out;
    for (const auto& k : keys) {
      if (k.key.id > after_id && static_cast<int>(out.size()) < limit) out.push_back(k);
    }
    return out;
  }

 private:
  int pages_ = 0;
};

Result<services::ImportSummary> run_import(Database& db, TemplateSource& source, int batch_size) {
  services::AuditLog audit(db, {}, [] { return now_utc(); });
  services::TemplateImport importer(db, audit, [] { return now_utc(); });
  services::ImportOptions options;
  options.batch_size = batch_size;
  return importer.run(source, options, {});
}

// The id generator moves with each batch: a run that fails after its first batch committed
// leaves no imported id for a registration to draw (a duplicate key on PostgreSQL otherwise).
TEST_P(StoreImportTest, ARunThatFailsMidwayLeavesTheIdGeneratorPastItsRows) {
  ScriptedSource source;
  source.users = {imported(100, "a@example.com"), imported(101, "b@example.com"),
                  imported(102, "c@example.com")};
  source.fail_at_page = 1;
  auto run = run_import(*db_, source, 2);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, ErrorCode::kUnavailable);
  auto kept = db_->users().find_by_id(101);
  ASSERT_TRUE(kept && *kept) << "the first batch stays committed";
  EXPECT_GT(create_user("after@example.com").id, 101);
}

// A user already here as a non-admin keeps that role, and an imported key of theirs gets no
// admin:* scope even though the source made them an admin.
TEST_P(StoreImportTest, KeyScopesFollowTheOwnersRoleHere) {
  ASSERT_TRUE(db_->imports().insert_users({imported(7, "seven@example.com")}, now_utc()));
  ScriptedSource source;
  ImportedUser promoted = imported(7, "seven@example.com");
  promoted.role = kRoleAdmin;
  ImportedUser admin = imported(8, "eight@example.com");
  admin.role = kRoleAdmin;
  source.users = {promoted, admin};
  TemplateApiKey mine{key(kKeyA, 7, 'a'), true};
  mine.key.scopes = std::vector<std::string>{"admin:read", "users:read"};
  TemplateApiKey theirs{key(kKeyB, 8, 'b'), true};
  theirs.key.scopes = std::vector<std::string>{"admin:read", "users:read"};
  source.keys = {mine, theirs};
  auto run = run_import(*db_, source, 10);
  ASSERT_TRUE(run) << describe(run);
  EXPECT_EQ(run->users.present, 1);
  EXPECT_EQ(run->api_keys.imported, 2);
  EXPECT_EQ(run->keys_with_dropped_scopes, 1);
  auto a = db_->api_keys().find_by_id(kKeyA);
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->scopes, (std::vector<std::string>{"users:read"}));
  auto b = db_->api_keys().find_by_id(kKeyB);
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->scopes, (std::vector<std::string>{"admin:read", "users:read"}));
}

// Emails are stored normalised, looked up normalised (a second run finds them present), and
// an invalid one is left out with its keys.
TEST_P(StoreImportTest, EmailsAreNormalisedOrLeftOut) {
  ScriptedSource source;
  source.users = {imported(1, "Bob@Example.COM"), imported(2, "bad\r\n@example.com"),
                  imported(3, "bob@example.com"), imported(4, "Bob@EXAMPLE.com")};
  source.keys = {TemplateApiKey{key(kKeyA, 2, 'a'), false}};
  auto run = run_import(*db_, source, 10);
  ASSERT_TRUE(run) << describe(run);
  EXPECT_EQ(run->users.imported, 2);   // 1 as Bob@example.com, 3
  EXPECT_EQ(run->users.conflicts, 2);  // 2 invalid, 4 the same address as 1
  EXPECT_EQ(run->emails_normalized, 1);
  EXPECT_EQ(run->api_keys.conflicts, 1);
  auto bob = db_->users().find_by_id(1);
  ASSERT_TRUE(bob && *bob);
  EXPECT_EQ((*bob)->email, "Bob@example.com");
  auto again = run_import(*db_, source, 10);
  ASSERT_TRUE(again) << describe(again);
  EXPECT_EQ(again->users.present, 2);
  EXPECT_EQ(again->users.imported, 0);
  EXPECT_EQ(again->emails_normalized, 0);
}

// The source is read in one snapshot: a user created there while the import runs is not seen.
TEST_P(StoreImportTest, TheSourceReadsOneSnapshot) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "the source is always PostgreSQL";
  // Gatehouse's PostgreSQL users table has every column the template's has.
  ASSERT_TRUE(db_->imports().insert_users({imported(1, "one@example.com")}, now_utc()));
  ASSERT_TRUE(db_->imports().advance_user_ids());
  auto source = postgres::open_fastapi_template_source(settings_.url, 5);
  ASSERT_TRUE(source) << describe(source);
  auto before = (*source)->count_users();
  ASSERT_TRUE(before) << describe(before);
  EXPECT_EQ(*before, 1);
  create_user("during@example.com");
  auto after = (*source)->count_users();
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 1);
  auto page = (*source)->users_after(0, 10);
  ASSERT_TRUE(page) << describe(page);
  EXPECT_EQ(page->size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreImportTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);

}  // namespace
}  // namespace gatehouse::store
