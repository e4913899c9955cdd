// The storage parity suite: the same repository tests against SQLite and PostgreSQL
// (store_fixture.hpp says when and how each runs).
#include <gtest/gtest.h>
#include <postgresql/libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/settings.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"
#include "store_fixture.hpp"

namespace gatehouse::store {
namespace {

using namespace std::chrono_literals;

NewApiKey new_key(std::int64_t user_id, const std::string& hash_seed,
                  std::optional<std::vector<std::string>> scopes = std::nullopt) {
  NewApiKey k;
  k.user_id = user_id;
  k.key_hash = std::string(64 - hash_seed.size(), '0') + hash_seed;
  k.name = "key " + hash_seed;
  k.scopes = std::move(scopes);
  return k;
}

int highest_migration(Backend backend) {
  auto migrations = load_migrations(backend == Backend::kSqlite ? embedded_sqlite_migrations()
                                                                : embedded_postgres_migrations());
  EXPECT_TRUE(migrations) << describe(migrations);
  EXPECT_FALSE(migrations->empty());
  return migrations->back().version;
}

class StoreParityTest : public StoreBackendTest {};

// --- schema -------------------------------------------------------------------------------

TEST_P(StoreParityTest, BackendNameAndPing) {
  EXPECT_EQ(db_->backend_name(), GetParam() == Backend::kSqlite ? "sqlite" : "postgresql");
  auto pinged = db_->ping();
  EXPECT_TRUE(pinged) << describe(pinged);
}

TEST_P(StoreParityTest, MigrateIsIdempotentAndRecordsHighestVersion) {
  const int highest = highest_migration(GetParam());
  auto version = db_->schema_version();
  ASSERT_TRUE(version) << describe(version);
  EXPECT_EQ(*version, highest);

  create_user("keep@example.com");
  auto again = db_->migrate();
  ASSERT_TRUE(again) << describe(again);
  version = db_->schema_version();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, highest);
  auto count = db_->users().count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1) << "a second migrate must not touch data";
}

TEST_P(StoreParityTest, DropAllEmptiesTheSchemaAndMigrateRebuildsIt) {
  create_user("gone@example.com");
  auto dropped = db_->drop_all();
  ASSERT_TRUE(dropped) << describe(dropped);
  auto version = db_->schema_version();
  ASSERT_TRUE(version) << describe(version);
  EXPECT_EQ(*version, 0);
  EXPECT_FALSE(db_->users().count()) << "users table must be gone";

  auto migrated = db_->migrate();
  ASSERT_TRUE(migrated) << describe(migrated);
  auto count = db_->users().count();
  ASSERT_TRUE(count) << describe(count);
  EXPECT_EQ(*count, 0);
}

TEST_P(StoreParityTest, ConcurrentMigratorsAreSerialised) {
  ASSERT_TRUE(db_->drop_all());
  // Four "processes" migrating an empty database at once: without the lock (advisory lock
  // on PostgreSQL, BEGIN IMMEDIATE on SQLite) they would race on CREATE TABLE / CREATE TYPE.
  constexpr int kMigrators = 4;
  std::vector<DatabasePtr> dbs;
  for (int i = 0; i < kMigrators; ++i) dbs.push_back(open_database());
  std::vector<std::string> results(kMigrators);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] { results[i] = describe(dbs[i]->migrate()); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "ok");
  auto version = db_->schema_version();
  ASSERT_TRUE(version) << describe(version);
  EXPECT_EQ(*version, highest_migration(GetParam()));
  auto user = dbs[0]->users().create(new_user("after-race@example.com"));
  EXPECT_TRUE(user) << describe(user);
}

// --- users --------------------------------------------------------------------------------

TEST_P(StoreParityTest, UserCreateAndFind) {
  const auto before = now_utc();
  NewUser input = new_user("alice@example.com", kRoleAdmin);
  input.first_name = "Alice";
  input.last_name = "Liddell";
  input.verified = true;
  auto created = db_->users().create(input);
  ASSERT_TRUE(created) << describe(created);
  const User& u = *created;
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.email, "alice@example.com");
  EXPECT_EQ(u.password_hash, input.password_hash);
  EXPECT_EQ(u.first_name, "Alice");
  EXPECT_EQ(u.last_name, "Liddell");
  EXPECT_EQ(u.role, "admin");
  EXPECT_FALSE(u.banned);
  EXPECT_TRUE(u.verified);
  EXPECT_EQ(u.created_at, u.updated_at);
  EXPECT_GE(u.created_at, before);
  EXPECT_LE(u.created_at, now_utc());
  EXPECT_FALSE(u.last_login_at.has_value());

  auto by_id = db_->users().find_by_id(u.id);
  ASSERT_TRUE(by_id) << describe(by_id);
  ASSERT_TRUE(by_id->has_value());
  EXPECT_EQ((*by_id)->email, u.email);
  EXPECT_EQ((*by_id)->created_at, u.created_at);

  auto by_email = db_->users().find_by_email("alice@example.com");
  ASSERT_TRUE(by_email) << describe(by_email);
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, u.id);

  auto missing = db_->users().find_by_id(u.id + 1000);
  ASSERT_TRUE(missing) << describe(missing);
  EXPECT_FALSE(missing->has_value());
  auto huge = db_->users().find_by_id(std::int64_t{1} << 40);
  ASSERT_TRUE(huge) << describe(huge);
  EXPECT_FALSE(huge->has_value());
  auto other_case = db_->users().find_by_email("ALICE@example.com");
  ASSERT_TRUE(other_case);
  EXPECT_FALSE(other_case->has_value()) << "emails match exactly; callers normalise";
}

TEST_P(StoreParityTest, UserListIsOrderedByIdAndPaged) {
  std::vector<std::int64_t> ids;
  for (const char* email : {"e@x.io", "c@x.io", "a@x.io", "d@x.io", "b@x.io"}) {
    ids.push_back(create_user(email).id);
  }
  ASSERT_TRUE(std::is_sorted(ids.begin(), ids.end()));

  auto all = db_->users().list(0, 100);
  ASSERT_TRUE(all) << describe(all);
  ASSERT_EQ(all->size(), 5u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ((*all)[i].id, ids[i]);
  EXPECT_EQ((*all)[0].email, "e@x.io");

  auto page = db_->users().list(1, 2);
  ASSERT_TRUE(page) << describe(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[1]);
  EXPECT_EQ((*page)[1].id, ids[2]);

  auto past_end = db_->users().list(10, 5);
  ASSERT_TRUE(past_end);
  EXPECT_TRUE(past_end->empty());
  auto negative = db_->users().list(-3, -1);
  ASSERT_TRUE(negative) << describe(negative);
  EXPECT_TRUE(negative->empty());

  auto count = db_->users().count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 5);

  // Keyset pages: the ids above a given one, however far apart the ids are.
  auto first = db_->users().list_after(0, 2);
  ASSERT_TRUE(first) << describe(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, ids[0]);
  EXPECT_EQ((*first)[1].id, ids[1]);
  ASSERT_TRUE(db_->users().remove(ids[2]));
  auto next = db_->users().list_after(ids[1], 2);
  ASSERT_TRUE(next) << describe(next);
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].id, ids[3]) << "a gap in the ids is skipped";
  EXPECT_EQ((*next)[1].id, ids[4]);
  auto last = db_->users().list_after(ids[4], 2);
  ASSERT_TRUE(last) << describe(last);
  EXPECT_TRUE(last->empty());
  auto no_limit = db_->users().list_after(0, -1);
  ASSERT_TRUE(no_limit) << describe(no_limit);
  EXPECT_TRUE(no_limit->empty());
}

TEST_P(StoreParityTest, UpdateProfileWritesOnlyItsColumnsAndTouchesUpdatedAt) {
  User u = create_user("bob@example.com", kRoleAdmin);
  ASSERT_TRUE(db_->users().set_verified(u.id, std::nullopt));
  ASSERT_TRUE(db_->users().set_ban(u.id, {true, std::nullopt, "spam", std::nullopt}));
  const Timestamp created = u.created_at;
  std::this_thread::sleep_for(2ms);  // updated_at must visibly move past created_at
  auto updated = db_->users().update_profile(u.id, {"bob@example.com", "Robert", "Tables", {}});
  ASSERT_TRUE(updated && updated->has_value()) << describe(updated);
  const User& got = **updated;
  EXPECT_EQ(got.email, "bob@example.com");
  EXPECT_EQ(got.first_name, "Robert");
  EXPECT_EQ(got.last_name, "Tables");
  EXPECT_EQ(got.password_hash, u.password_hash) << "no password given: unchanged";
  EXPECT_EQ(got.role, "admin");
  EXPECT_TRUE(got.banned) << "a profile write keeps the ban";
  EXPECT_TRUE(got.verified) << "same email: still verified";
  EXPECT_EQ(got.created_at, created);
  EXPECT_GT(got.updated_at, created);

  auto found = db_->users().find_by_email("bob@example.com");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->updated_at, got.updated_at);

  auto ghost = db_->users().update_profile(u.id + 1000, {"ghost@example.com", "G", "H", {}});
  ASSERT_TRUE(ghost) << describe(ghost);
  EXPECT_FALSE(ghost->has_value());
}

TEST_P(StoreParityTest, UpdateProfileWithANewEmailUnverifiesInTheSameWrite) {
  User u = create_user("old@example.com");
  ASSERT_TRUE(db_->users().set_verified(u.id, std::nullopt));
  auto moved = db_->users().update_profile(u.id, {"new@example.com", "N", "M", {}});
  ASSERT_TRUE(moved && moved->has_value()) << describe(moved);
  EXPECT_EQ((*moved)->email, "new@example.com");
  EXPECT_FALSE((*moved)->verified);
  auto old = db_->users().find_by_email("old@example.com");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->has_value());
}

TEST_P(StoreParityTest, UpdateProfileWithAPasswordIsAllOrNothing) {
  User u = create_user("pw@example.com");
  PasswordUpdate pw;
  pw.hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$bmV3";
  pw.expected_hash = "not the stored hash";
  auto stale = db_->users().update_profile(u.id, {"moved@example.com", "A", "B", pw});
  ASSERT_TRUE(stale) << describe(stale);
  EXPECT_FALSE(stale->has_value()) << "the expected hash is gone: nothing is written";
  auto unchanged = db_->users().find_by_id(u.id);
  ASSERT_TRUE(unchanged && unchanged->has_value());
  EXPECT_EQ((*unchanged)->email, "pw@example.com");
  EXPECT_EQ((*unchanged)->password_hash, u.password_hash);

  pw.expected_hash = u.password_hash;
  pw.tokens_valid_after = at("2026-05-01T10:00:00Z");
  auto done = db_->users().update_profile(u.id, {"moved@example.com", "A", "B", pw});
  ASSERT_TRUE(done && done->has_value()) << describe(done);
  EXPECT_EQ((*done)->email, "moved@example.com");
  EXPECT_EQ((*done)->password_hash, pw.hash);
  EXPECT_EQ((*done)->tokens_valid_after, pw.tokens_valid_after);
}

TEST_P(StoreParityTest, SetPasswordChecksTheExpectedHashAndCutsTokens) {
  User u = create_user("setpw@example.com");
  ASSERT_TRUE(db_->users().record_failed_login(u.id, 1, at("2099-01-01T00:00:00Z")));
  PasswordUpdate pw;
  pw.hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$Zmlyc3Q";
  pw.expected_hash = "$argon2id$something-else";
  auto stale = db_->users().set_password(u.id, pw);
  ASSERT_TRUE(stale) << describe(stale);
  EXPECT_FALSE(stale->has_value());

  pw.expected_hash = u.password_hash;
  auto first = db_->users().set_password(u.id, pw);
  ASSERT_TRUE(first && first->has_value()) << describe(first);
  EXPECT_EQ((*first)->password_hash, pw.hash);
  EXPECT_TRUE((*first)->locked_until.has_value()) << "clear_lockout not asked";
  EXPECT_FALSE((*first)->tokens_valid_after.has_value());

  PasswordUpdate reset;
  reset.hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$c2Vjb25k";
  reset.tokens_valid_after = at("2026-05-01T10:00:00.000001Z");
  reset.clear_lockout = true;
  auto second = db_->users().set_password(u.id, reset);
  ASSERT_TRUE(second && second->has_value()) << describe(second);
  EXPECT_EQ((*second)->password_hash, reset.hash);
  EXPECT_FALSE((*second)->locked_until.has_value());
  EXPECT_EQ((*second)->failed_logins, 0);
  EXPECT_EQ((*second)->tokens_valid_after, reset.tokens_valid_after);

  auto too_long = db_->users().set_password(u.id, {std::string(256, 'h'), {}, {}, false});
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidInput);
  auto ghost = db_->users().set_password(u.id + 1000, reset);
  ASSERT_TRUE(ghost);
  EXPECT_FALSE(ghost->has_value());
}

TEST_P(StoreParityTest, TokenCutOffOnlyMovesForward) {
  User u = create_user("cut@example.com");
  const Timestamp later = at("2026-05-01T10:00:00.5Z");
  const Timestamp earlier = at("2026-05-01T09:00:00Z");
  auto cut = db_->users().cut_tokens(u.id, later);
  ASSERT_TRUE(cut && *cut) << describe(cut);
  ASSERT_TRUE(db_->users().cut_tokens(u.id, earlier));
  ASSERT_TRUE(db_->users().set_ban(u.id, {true, std::nullopt, std::nullopt, earlier}));
  auto read = db_->users().find_by_id(u.id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->tokens_valid_after, later);
  auto ghost = db_->users().cut_tokens(u.id + 1000, later);
  ASSERT_TRUE(ghost);
  EXPECT_FALSE(*ghost);
}

TEST_P(StoreParityTest, SetVerifiedOnlyForTheBoundAddress) {
  User u = create_user("verify@example.com");
  auto other = db_->users().set_verified(u.id, std::string("someone-else@example.com"));
  ASSERT_TRUE(other) << describe(other);
  EXPECT_FALSE(other->has_value());
  auto read = db_->users().find_by_id(u.id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_FALSE((*read)->verified);
  auto same = db_->users().set_verified(u.id, std::string("verify@example.com"));
  ASSERT_TRUE(same && same->has_value()) << describe(same);
  EXPECT_TRUE((*same)->verified);
  auto ghost = db_->users().set_verified(u.id + 1000, std::nullopt);
  ASSERT_TRUE(ghost);
  EXPECT_FALSE(ghost->has_value());
}

TEST_P(StoreParityTest, ClearLockout) {
  User u = create_user("locked@example.com");
  ASSERT_TRUE(db_->users().record_failed_login(u.id, 1, at("2099-01-01T00:00:00Z")));
  ASSERT_TRUE(db_->users().record_failed_login(u.id, 5, at("2099-01-01T00:00:00Z")));
  auto cleared = db_->users().clear_lockout(u.id);
  ASSERT_TRUE(cleared && *cleared) << describe(cleared);
  auto read = db_->users().find_by_id(u.id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_FALSE((*read)->locked_until.has_value());
  EXPECT_EQ((*read)->failed_logins, 0);
  auto ghost = db_->users().clear_lockout(u.id + 1000);
  ASSERT_TRUE(ghost);
  EXPECT_FALSE(*ghost);
}

TEST_P(StoreParityTest, UserRemove) {
  User a = create_user("a@example.com");
  create_user("b@example.com");
  auto removed = db_->users().remove(a.id);
  ASSERT_TRUE(removed) << describe(removed);
  EXPECT_TRUE(*removed);
  auto again = db_->users().remove(a.id);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto found = db_->users().find_by_id(a.id);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
  auto count = db_->users().count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);

  // Ids are not reused after a delete (SERIAL on PostgreSQL, AUTOINCREMENT on SQLite).
  User c = create_user("c@example.com");
  User last = create_user("a@example.com");
  EXPECT_GT(last.id, c.id);
  EXPECT_NE(last.id, a.id);
}

TEST_P(StoreParityTest, DuplicateEmailIsAConflictOnCreate) {
  create_user("dup@example.com");
  auto second = db_->users().create(new_user("dup@example.com"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kEmailTaken);
  EXPECT_EQ(second.error().public_message, "A User with this email already exists");
  auto count = db_->users().count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
}

TEST_P(StoreParityTest, DuplicateEmailIsAConflictOnUpdate) {
  create_user("taken@example.com");
  User other = create_user("other@example.com");
  auto updated = db_->users().update_profile(other.id, {"taken@example.com", "O", "T", {}});
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::kEmailTaken);
  EXPECT_EQ(updated.error().public_message, "A User with this email already exists");
  auto unchanged = db_->users().find_by_id(other.id);
  ASSERT_TRUE(unchanged && unchanged->has_value());
  EXPECT_EQ((*unchanged)->email, "other@example.com");
}

TEST_P(StoreParityTest, CountAdmins) {
  auto none = db_->users().count_admins();
  ASSERT_TRUE(none) << describe(none);
  EXPECT_EQ(*none, 0);
  create_user("u1@example.com");
  create_user("a1@example.com", kRoleAdmin);
  User a2 = create_user("a2@example.com", kRoleAdmin);
  auto two = db_->users().count_admins();
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, 2);
  ASSERT_TRUE(db_->users().set_role_unless_last_admin(a2.id, kRoleUser));
  auto one = db_->users().count_admins();
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, 1);
}

TEST_P(StoreParityTest, ValuesBreakingColumnRulesAreRejectedAlike) {
  auto long_email = db_->users().create(new_user(std::string(116, 'x') + "@x.io"));
  ASSERT_FALSE(long_email);
  EXPECT_EQ(long_email.error().code, ErrorCode::kInvalidInput);

  // 119 characters in 233 bytes fit: VARCHAR counts characters.
  std::string accented;
  for (int i = 0; i < 114; ++i) accented += "\xC3\xA9";  // é
  auto fits = db_->users().create(new_user(accented + "@x.io"));
  EXPECT_TRUE(fits) << describe(fits);

  auto bad_role = db_->users().create(new_user("role@example.com", "root"));
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(bad_role.error().code, ErrorCode::kInvalidInput);

  User u = create_user("name@example.com");
  auto long_name =
      db_->users().update_profile(u.id, {u.email, std::string(31, 'n'), u.last_name, {}});
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().code, ErrorCode::kInvalidInput);
}

// --- api keys -----------------------------------------------------------------------------

TEST_P(StoreParityTest, ApiKeyCreateFindListUpdateRemove) {
  User owner = create_user("owner@example.com");
  User other = create_user("other@example.com");
  const auto before = now_utc();
  auto k1 = db_->api_keys().create(new_key(owner.id, "a1", std::vector<std::string>{"read"}));
  ASSERT_TRUE(k1) << describe(k1);
  EXPECT_EQ(k1->id.size(), 36u);
  EXPECT_EQ(k1->user_id, owner.id);
  EXPECT_EQ(k1->key_hash, new_key(owner.id, "a1").key_hash);
  EXPECT_EQ(k1->name, "key a1");
  EXPECT_TRUE(k1->is_active);
  EXPECT_GE(k1->created_at, before);
  EXPECT_FALSE(k1->last_used_at.has_value());
  ASSERT_TRUE(k1->scopes.has_value());
  EXPECT_EQ(*k1->scopes, std::vector<std::string>{"read"});

  std::this_thread::sleep_for(1ms);
  auto k2 = db_->api_keys().create(new_key(owner.id, "b2"));
  ASSERT_TRUE(k2) << describe(k2);
  auto k3 = db_->api_keys().create(new_key(other.id, "c3"));
  ASSERT_TRUE(k3) << describe(k3);

  auto by_hash = db_->api_keys().find_by_hash(k2->key_hash);
  ASSERT_TRUE(by_hash) << describe(by_hash);
  ASSERT_TRUE(by_hash->has_value());
  EXPECT_EQ((*by_hash)->id, k2->id);
  auto no_hash = db_->api_keys().find_by_hash(std::string(64, 'f'));
  ASSERT_TRUE(no_hash);
  EXPECT_FALSE(no_hash->has_value());

  auto by_id = db_->api_keys().find_by_id(k1->id);
  ASSERT_TRUE(by_id) << describe(by_id);
  ASSERT_TRUE(by_id->has_value());
  EXPECT_EQ((*by_id)->key_hash, k1->key_hash);
  EXPECT_EQ((*by_id)->created_at, k1->created_at);
  std::string upper = k1->id;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  auto by_upper = db_->api_keys().find_by_id(upper);
  ASSERT_TRUE(by_upper) << describe(by_upper);
  EXPECT_TRUE(by_upper->has_value()) << "ids are case-insensitive UUIDs";
  auto not_uuid = db_->api_keys().find_by_id("not-a-uuid");
  ASSERT_TRUE(not_uuid) << describe(not_uuid);
  EXPECT_FALSE(not_uuid->has_value());

  auto listed = db_->api_keys().list_for_user(owner.id);
  ASSERT_TRUE(listed) << describe(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, k1->id);
  EXPECT_EQ((*listed)[1].id, k2->id);
  auto none = db_->api_keys().list_for_user(owner.id + 1000);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  auto renamed = db_->api_keys().update_name_active(k1->id, "renamed", false);
  ASSERT_TRUE(renamed) << describe(renamed);
  ASSERT_TRUE(renamed->has_value());
  EXPECT_EQ((*renamed)->name, "renamed");
  EXPECT_FALSE((*renamed)->is_active);
  EXPECT_EQ((*renamed)->scopes, k1->scopes);
  EXPECT_EQ((*renamed)->created_at, k1->created_at);
  auto rename_missing =
      db_->api_keys().update_name_active("00000000-0000-4000-8000-000000000000", "x", true);
  ASSERT_TRUE(rename_missing) << describe(rename_missing);
  EXPECT_FALSE(rename_missing->has_value());
  auto too_long = db_->api_keys().update_name_active(k1->id, std::string(51, 'n'), true);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidInput);

  auto removed = db_->api_keys().remove(k2->id);
  ASSERT_TRUE(removed) << describe(removed);
  EXPECT_TRUE(*removed);
  auto removed_again = db_->api_keys().remove(k2->id);
  ASSERT_TRUE(removed_again);
  EXPECT_FALSE(*removed_again);
  auto remove_junk = db_->api_keys().remove("junk");
  ASSERT_TRUE(remove_junk);
  EXPECT_FALSE(*remove_junk);
  listed = db_->api_keys().list_for_user(owner.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, k1->id);
}

TEST_P(StoreParityTest, ApiKeyConflictsAndUnknownOwner) {
  User owner = create_user("owner@example.com");
  ASSERT_TRUE(db_->api_keys().create(new_key(owner.id, "same")));
  auto duplicate = db_->api_keys().create(new_key(owner.id, "same"));
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);

  auto orphan = db_->api_keys().create(new_key(owner.id + 1000, "orphan"));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kUserNotFound);
  EXPECT_EQ(orphan.error().public_message, "User not found");
}

TEST_P(StoreParityTest, DeletingAUserCascadesToTheirApiKeys) {
  User owner = create_user("owner@example.com");
  User keeper = create_user("keeper@example.com");
  auto k1 = db_->api_keys().create(new_key(owner.id, "01"));
  auto k2 = db_->api_keys().create(new_key(owner.id, "02"));
  auto kept = db_->api_keys().create(new_key(keeper.id, "03"));
  ASSERT_TRUE(k1 && k2 && kept);

  auto removed = db_->users().remove(owner.id);
  ASSERT_TRUE(removed) << describe(removed);
  ASSERT_TRUE(*removed);
  auto gone = db_->api_keys().find_by_id(k1->id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  auto by_hash = db_->api_keys().find_by_hash(k2->key_hash);
  ASSERT_TRUE(by_hash);
  EXPECT_FALSE(by_hash->has_value());
  auto listed = db_->api_keys().list_for_user(owner.id);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
  auto still = db_->api_keys().find_by_id(kept->id);
  ASSERT_TRUE(still);
  EXPECT_TRUE(still->has_value());
}

TEST_P(StoreParityTest, TimestampsRoundTripWithMicrosecondsInUtc) {
  User owner = create_user("time@example.com");
  auto key = db_->api_keys().create(new_key(owner.id, "77"));
  ASSERT_TRUE(key) << describe(key);

  for (const char* iso :
       {"2026-11-29T17:00:00.123456Z", "2026-11-29T23:59:59.000001Z", "1999-12-31T23:59:59.999999Z",
        "2030-01-01T00:00:00.000000Z", "2026-06-15T12:00:00.5+02:00"}) {
    const Timestamp t = at(iso);
    auto touched = db_->api_keys().touch_last_used(key->id, t);
    ASSERT_TRUE(touched) << describe(touched);
    EXPECT_TRUE(*touched);
    auto read = db_->api_keys().find_by_id(key->id);
    ASSERT_TRUE(read && read->has_value()) << describe(read);
    ASSERT_TRUE((*read)->last_used_at.has_value());
    EXPECT_EQ(*(*read)->last_used_at, t)
        << iso << " came back as " << format_iso8601(*(*read)->last_used_at);

    auto updated = db_->users().record_successful_login(owner.id, t);
    ASSERT_TRUE(updated) << describe(updated);
    auto user = db_->users().find_by_id(owner.id);
    ASSERT_TRUE(user && user->has_value());
    EXPECT_EQ((*user)->last_login_at, t) << iso;
  }
  auto touch_missing =
      db_->api_keys().touch_last_used("00000000-0000-4000-8000-000000000000", now_utc());
  ASSERT_TRUE(touch_missing) << describe(touch_missing);
  EXPECT_FALSE(*touch_missing);
}

// The re-key of a SECRET_KEY rotation: only from the expected old hash, found by the new one.
TEST_P(StoreParityTest, ReplaceHashOnlyFromTheOldHash) {
  User owner = create_user("rekey@example.com");
  auto key = db_->api_keys().create(new_key(owner.id, "a1"));
  ASSERT_TRUE(key) << describe(key);
  const std::string fresh(64, 'b');
  auto wrong = db_->api_keys().replace_hash(key->id, std::string(64, 'c'), fresh);
  ASSERT_TRUE(wrong) << describe(wrong);
  EXPECT_FALSE(*wrong) << "not from a hash the row does not have";
  auto moved = db_->api_keys().replace_hash(key->id, key->key_hash, fresh);
  ASSERT_TRUE(moved) << describe(moved);
  EXPECT_TRUE(*moved);
  auto again = db_->api_keys().replace_hash(key->id, key->key_hash, fresh);
  ASSERT_TRUE(again) << describe(again);
  EXPECT_FALSE(*again) << "a second re-key finds nothing to move";
  auto by_new = db_->api_keys().find_by_hash(fresh);
  ASSERT_TRUE(by_new && by_new->has_value()) << describe(by_new);
  EXPECT_EQ((*by_new)->id, key->id);
  auto by_old = db_->api_keys().find_by_hash(key->key_hash);
  ASSERT_TRUE(by_old) << describe(by_old);
  EXPECT_FALSE(by_old->has_value());
  auto not_uuid = db_->api_keys().replace_hash("nope", fresh, key->key_hash);
  ASSERT_TRUE(not_uuid) << describe(not_uuid);
  EXPECT_FALSE(*not_uuid);
}

TEST_P(StoreParityTest, ScopesNullEmptyAndListRoundTrip) {
  User owner = create_user("scopes@example.com");
  const std::vector<std::vector<std::string>> lists = {
      {},
      {"read"},
      {"read", "write", "admin:users"},
      {"with,comma", "with \"quotes\"", "back\\slash", "NULL", "", "{braces}", "caf\xC3\xA9",
       "line\nbreak"},
  };
  int n = 0;
  auto null_key = db_->api_keys().create(new_key(owner.id, "n" + std::to_string(n++)));
  ASSERT_TRUE(null_key) << describe(null_key);
  EXPECT_FALSE(null_key->scopes.has_value());
  auto null_read = db_->api_keys().find_by_id(null_key->id);
  ASSERT_TRUE(null_read && null_read->has_value());
  EXPECT_FALSE((*null_read)->scopes.has_value()) << "NULL scopes must not come back as []";

  for (const auto& scopes : lists) {
    auto key = db_->api_keys().create(new_key(owner.id, "n" + std::to_string(n++), scopes));
    ASSERT_TRUE(key) << describe(key);
    ASSERT_TRUE(key->scopes.has_value());
    EXPECT_EQ(*key->scopes, scopes);
    auto read = db_->api_keys().find_by_hash(key->key_hash);
    ASSERT_TRUE(read && read->has_value());
    ASSERT_TRUE((*read)->scopes.has_value());
    EXPECT_EQ(*(*read)->scopes, scopes);
  }
}

TEST_P(StoreParityTest, ApiKeyExpiresAtRoundTripsAndNullMeansNever) {
  User owner = create_user("expiry@example.com");
  auto never = db_->api_keys().create(new_key(owner.id, "e0"));
  ASSERT_TRUE(never) << describe(never);
  EXPECT_FALSE(never->expires_at.has_value());

  NewApiKey input = new_key(owner.id, "e1");
  input.expires_at = at("2031-02-03T04:05:06.789012Z");
  auto expiring = db_->api_keys().create(input);
  ASSERT_TRUE(expiring) << describe(expiring);
  ASSERT_TRUE(expiring->expires_at.has_value());
  EXPECT_EQ(*expiring->expires_at, *input.expires_at);

  auto read = db_->api_keys().find_by_hash(input.key_hash);
  ASSERT_TRUE(read && read->has_value()) << describe(read);
  EXPECT_EQ((*read)->expires_at, input.expires_at);
  auto listed = db_->api_keys().list_for_user(owner.id);
  ASSERT_TRUE(listed) << describe(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_FALSE((*listed)[0].expires_at.has_value());
  EXPECT_EQ((*listed)[1].expires_at, input.expires_at);
  auto renamed = db_->api_keys().update_name_active(expiring->id, "still expiring", std::nullopt);
  ASSERT_TRUE(renamed && renamed->has_value()) << describe(renamed);
  EXPECT_EQ((*renamed)->expires_at, input.expires_at) << "an update keeps the expiry";
}

TEST_P(StoreParityTest, ApiKeyUpdateChangesOnlyTheGivenFields) {
  User owner = create_user("partial@example.com");
  auto key = db_->api_keys().create(new_key(owner.id, "p1"));
  ASSERT_TRUE(key) << describe(key);

  auto deactivated = db_->api_keys().update_name_active(key->id, std::nullopt, false);
  ASSERT_TRUE(deactivated && deactivated->has_value()) << describe(deactivated);
  EXPECT_EQ((*deactivated)->name, "key p1");
  EXPECT_FALSE((*deactivated)->is_active);

  auto renamed = db_->api_keys().update_name_active(key->id, std::string("new name"), std::nullopt);
  ASSERT_TRUE(renamed && renamed->has_value()) << describe(renamed);
  EXPECT_EQ((*renamed)->name, "new name");
  EXPECT_FALSE((*renamed)->is_active) << "is_active untouched by a rename";

  auto both = db_->api_keys().update_name_active(key->id, std::string("both"), true);
  ASSERT_TRUE(both && both->has_value()) << describe(both);
  EXPECT_EQ((*both)->name, "both");
  EXPECT_TRUE((*both)->is_active);

  auto neither = db_->api_keys().update_name_active(key->id, std::nullopt, std::nullopt);
  ASSERT_TRUE(neither && neither->has_value()) << describe(neither);
  EXPECT_EQ((*neither)->name, "both");
  EXPECT_TRUE((*neither)->is_active);
}

TEST_P(StoreParityTest, ApiKeyWithOwnerIsOneReadOfBoth) {
  User owner = create_user("keyowner@example.com", kRoleAdmin);
  User other = create_user("keyother@example.com");
  NewApiKey input = new_key(owner.id, "w1", std::vector<std::string>{"users:read"});
  input.expires_at = at("2031-01-01T00:00:00Z");
  auto key = db_->api_keys().create(input);
  ASSERT_TRUE(key) << describe(key);
  ASSERT_TRUE(db_->api_keys().create(new_key(other.id, "w2")));

  auto both = db_->api_keys().find_by_hash_with_owner(input.key_hash);
  ASSERT_TRUE(both) << describe(both);
  ASSERT_TRUE(both->has_value());
  EXPECT_EQ((*both)->key.id, key->id);
  EXPECT_EQ((*both)->key.scopes, input.scopes);
  EXPECT_EQ((*both)->key.expires_at, input.expires_at);
  EXPECT_EQ((*both)->owner.id, owner.id);
  EXPECT_EQ((*both)->owner.email, "keyowner@example.com");
  EXPECT_EQ((*both)->owner.role, kRoleAdmin);
  EXPECT_EQ((*both)->owner.created_at, owner.created_at);

  auto none = db_->api_keys().find_by_hash_with_owner(std::string(64, 'f'));
  ASSERT_TRUE(none) << describe(none);
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(db_->users().remove(owner.id));
  auto gone = db_->api_keys().find_by_hash_with_owner(input.key_hash);
  ASSERT_TRUE(gone) << describe(gone);
  EXPECT_FALSE(gone->has_value()) << "no key outlives its user";
}

// The lookup made on every request with an X-API-Key goes through the unique index.
TEST_P(StoreParityTest, ApiKeyLookupByHashUsesTheUniqueIndex) {
  // The per-request query's shape: the key by its hash, then its user by primary key.
  const std::string query =
      "SELECT k.id, u.email FROM api_keys AS k JOIN users AS u ON u.id = k.user_id WHERE k.key = "
      "'" +
      std::string(64, 'a') + "'";
  std::string plan;
  if (GetParam() == Backend::kSqlite) {
    sqlite3* conn = nullptr;
    ASSERT_EQ(sqlite3_open_v2(sqlite_path_.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(conn, ("EXPLAIN QUERY PLAN " + query).c_str(), -1, &stmt, nullptr),
              SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      plan += "\n";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
  } else {
    // On an empty table the planner would rightly scan; forbid that to see the index is usable.
    plan = admin_query(
        PgScratchDatabase::url(),
        "SET enable_seqscan = off; SET enable_bitmapscan = off; EXPLAIN (FORMAT JSON) " + query);
  }
  EXPECT_NE(plan.find("ix_api_keys_key"), std::string::npos) << plan;
}

// --- concurrency --------------------------------------------------------------------------

TEST_P(StoreParityTest, ConcurrentUseFromEightThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string email = "t" + std::to_string(t) + "-" + std::to_string(i) + "@x.io";
        auto u = db_->users().create(new_user(email));
        if (!u) {
          ++failures;
          errors[t] = describe(u);
          continue;
        }
        ids[t].push_back(u->id);
        // Mix reads and a second table into the load.
        auto found = db_->users().find_by_email(email);
        auto key = db_->api_keys().create(new_key(u->id, std::to_string(t * 1000 + i)));
        if (!found || !found->has_value() || !key) {
          ++failures;
          errors[t] = !found ? describe(found) : describe(key);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  EXPECT_EQ(failures.load(), 0);

  std::set<std::int64_t> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto count = db_->users().count();
  ASSERT_TRUE(count) << describe(count);
  EXPECT_EQ(*count, kThreads * kPerThread);
}

// --- users: authentication columns, search, lockout, last admin ---------------------------

TEST_P(StoreParityTest, UserAuthColumnsRoundTrip) {
  User u = create_user("auth@example.com");
  EXPECT_FALSE(u.tokens_valid_after.has_value());
  EXPECT_EQ(u.failed_logins, 0);
  EXPECT_FALSE(u.locked_until.has_value());
  EXPECT_FALSE(u.banned_until.has_value());
  EXPECT_FALSE(u.ban_reason.has_value());
  EXPECT_FALSE(u.mfa_enabled);
  EXPECT_FALSE(u.mfa_secret.has_value());

  // Each column through the one write that owns it (MFA columns get theirs with TOTP).
  u.tokens_valid_after = at("2026-05-01T10:00:00.000001Z");
  u.locked_until = at("2026-05-01T10:15:00.5Z");
  u.banned_until = at("2026-06-01T00:00:00Z");
  u.ban_reason = "spam, \"quoted\" and caf\xC3\xA9";
  ASSERT_TRUE(db_->users().cut_tokens(u.id, *u.tokens_valid_after));
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(db_->users().record_failed_login(u.id, 10, *u.locked_until));
  }
  ASSERT_TRUE(db_->users().record_failed_login(u.id, 5, *u.locked_until));  // locks, count to 0
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(db_->users().record_failed_login(u.id, 10, *u.locked_until));
  }
  auto updated = db_->users().set_ban(u.id, {true, u.banned_until, u.ban_reason, std::nullopt});
  ASSERT_TRUE(updated && updated->has_value()) << describe(updated);
  auto check = [&](const User& got) {
    EXPECT_EQ(got.tokens_valid_after, u.tokens_valid_after);
    EXPECT_EQ(got.failed_logins, 4);
    EXPECT_EQ(got.locked_until, u.locked_until);
    EXPECT_TRUE(got.banned);
    EXPECT_EQ(got.banned_until, u.banned_until);
    EXPECT_EQ(got.ban_reason, u.ban_reason);
    EXPECT_FALSE(got.mfa_enabled);
    EXPECT_FALSE(got.mfa_secret.has_value());
  };
  check(**updated);
  auto by_id = db_->users().find_by_id(u.id);
  ASSERT_TRUE(by_id && by_id->has_value()) << describe(by_id);
  check(**by_id);
  auto by_email = db_->users().find_by_email(u.email);
  ASSERT_TRUE(by_email && by_email->has_value()) << describe(by_email);
  check(**by_email);
  auto listed = db_->users().list(0, 10);
  ASSERT_TRUE(listed) << describe(listed);
  ASSERT_EQ(listed->size(), 1u);
  check(listed->front());

  // Empty text is a value, not NULL; an unban goes back to NULL.
  updated = db_->users().set_ban(u.id, {true, std::nullopt, "", std::nullopt});
  ASSERT_TRUE(updated && updated->has_value()) << describe(updated);
  EXPECT_EQ((*updated)->ban_reason, std::optional<std::string>(""));
  EXPECT_FALSE((*updated)->banned_until.has_value());
  updated = db_->users().set_ban(u.id, {false, std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(updated && updated->has_value()) << describe(updated);
  EXPECT_FALSE((*updated)->banned);
  EXPECT_FALSE((*updated)->ban_reason.has_value());
  EXPECT_EQ((*updated)->tokens_valid_after, u.tokens_valid_after) << "an unban cuts nothing";

  std::string accented;
  for (int i = 0; i < 255; ++i) accented += "\xC3\xA9";
  auto fits = db_->users().set_ban(u.id, {true, std::nullopt, accented, std::nullopt});
  EXPECT_TRUE(fits) << describe(fits);
  auto too_long =
      db_->users().set_ban(u.id, {true, std::nullopt, std::string(256, 'r'), std::nullopt});
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidInput);
}

class StoreSearchTest : public StoreParityTest {
 protected:
  void SetUp() override {
    StoreParityTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    alice_ = add("alice@x.io", "Alice", "Smith");
    bob_ = add("bob@x.io", "Bob", "Alison");
    under_ = add("a_c@x.io", "Under_Score", "Jones");
    abc_ = add("abc@x.io", "Percent%", "Back\\slash");
    zoe_ = add("zoe@x.io", "Zo\xC3\xAB", "\xC3\x89LAN");  // Zoë ÉLAN
  }

  std::int64_t add(const std::string& email, const std::string& first, const std::string& last) {
    NewUser n = new_user(email);
    n.first_name = first;
    n.last_name = last;
    auto u = db_->users().create(n);
    EXPECT_TRUE(u) << describe(u);
    return u ? u->id : 0;
  }

  // Ids found by search(q) (all of them), checked against count_search(q).
  std::vector<std::int64_t> ids(const std::string& term,
                                UserSearch::Field field = UserSearch::Field::kAll,
                                bool exact = false) {
    UserSearch q;
    q.term = term;
    q.field = field;
    q.exact = exact;
    std::vector<std::int64_t> out;
    auto found = db_->users().search(q, 0, 100);
    EXPECT_TRUE(found) << describe(found);
    if (found) {
      for (const auto& u : *found) out.push_back(u.id);
    }
    auto n = db_->users().count_search(q);
    EXPECT_TRUE(n) << describe(n);
    if (n) {
      EXPECT_EQ(*n, static_cast<std::int64_t>(out.size())) << "count_search for " << term;
    }
    return out;
  }

  using Ids = std::vector<std::int64_t>;
  std::int64_t alice_ = 0, bob_ = 0, under_ = 0, abc_ = 0, zoe_ = 0;
};

TEST_P(StoreSearchTest, PartialIsCaseInsensitiveContainsOverTheChosenFields) {
  using F = UserSearch::Field;
  EXPECT_EQ(ids("ali"), (Ids{alice_, bob_}));  // alice@, Alice, Alison
  EXPECT_EQ(ids("ALI"), (Ids{alice_, bob_}));
  EXPECT_EQ(ids("ali", F::kEmail), (Ids{alice_}));
  EXPECT_EQ(ids("ALICE", F::kFirstName), (Ids{alice_}));
  EXPECT_EQ(ids("ali", F::kLastName), (Ids{bob_}));
  EXPECT_EQ(ids("mit", F::kLastName), (Ids{alice_}));
  EXPECT_EQ(ids("nobody"), Ids{});
  EXPECT_EQ(ids(""), (Ids{alice_, bob_, under_, abc_, zoe_})) << "empty term matches all";
  // Beyond ASCII, folded alike on both backends.
  EXPECT_EQ(ids("\xC3\xA9lan"), (Ids{zoe_}));                // élan
  EXPECT_EQ(ids("ZO\xC3\x8B", F::kFirstName), (Ids{zoe_}));  // ZOË
}

TEST_P(StoreSearchTest, WildcardsAndBackslashMatchLiterally) {
  using F = UserSearch::Field;
  EXPECT_EQ(ids("a%c"), Ids{}) << "% must not be a wildcard (a_c@, abc@ exist)";
  EXPECT_EQ(ids("a_c"), (Ids{under_})) << "_ must not match abc";
  EXPECT_EQ(ids("_"), (Ids{under_}));
  EXPECT_EQ(ids("_", F::kLastName), Ids{});
  EXPECT_EQ(ids("%"), (Ids{abc_}));
  EXPECT_EQ(ids("%", F::kEmail), Ids{});
  EXPECT_EQ(ids("\\"), (Ids{abc_}));
  EXPECT_EQ(ids("k\\s"), (Ids{abc_}));
  EXPECT_EQ(ids("\\%"), Ids{});
  EXPECT_EQ(ids("t%"), (Ids{abc_}));
}

TEST_P(StoreSearchTest, ExactIsCaseSensitiveEquality) {
  using F = UserSearch::Field;
  EXPECT_EQ(ids("Alice", F::kFirstName, true), (Ids{alice_}));
  EXPECT_EQ(ids("alice", F::kFirstName, true), Ids{});
  EXPECT_EQ(ids("Ali", F::kFirstName, true), Ids{});
  EXPECT_EQ(ids("bob@x.io", F::kAll, true), (Ids{bob_}));
  EXPECT_EQ(ids("Alison", F::kAll, true), (Ids{bob_}));
  EXPECT_EQ(ids("Alison", F::kEmail, true), Ids{});
  EXPECT_EQ(ids("a_c@x.io", F::kEmail, true), (Ids{under_}));
  EXPECT_EQ(ids("a%c@x.io", F::kEmail, true), Ids{});
  EXPECT_EQ(ids("Back\\slash", F::kLastName, true), (Ids{abc_}));
}

TEST_P(StoreSearchTest, ResultsAreOrderedByIdAndPaged) {
  UserSearch q;
  q.term = "@X.IO";
  auto page = db_->users().search(q, 1, 2);
  ASSERT_TRUE(page) << describe(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, bob_);
  EXPECT_EQ((*page)[1].id, under_);
  EXPECT_EQ((*page)[0].email, "bob@x.io");
  auto rest = db_->users().search(q, 4, 10);
  ASSERT_TRUE(rest) << describe(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, zoe_);
  auto negative = db_->users().search(q, -1, -1);
  ASSERT_TRUE(negative) << describe(negative);
  EXPECT_TRUE(negative->empty());
  auto n = db_->users().count_search(q);
  ASSERT_TRUE(n) << describe(n);
  EXPECT_EQ(*n, 5);
}

TEST_P(StoreParityTest, FailedLoginsLockAtTheThreshold) {
  User u = create_user("lock@example.com");
  const Timestamp lock1 = at("2026-01-01T00:15:00Z");
  for (int i = 1; i <= 2; ++i) {
    auto r = db_->users().record_failed_login(u.id, 3, lock1);
    ASSERT_TRUE(r && r->has_value()) << describe(r);
    EXPECT_EQ((*r)->failed_logins, i);
    EXPECT_FALSE((*r)->locked_until.has_value());
  }
  auto third = db_->users().record_failed_login(u.id, 3, lock1);
  ASSERT_TRUE(third && third->has_value()) << describe(third);
  EXPECT_EQ((*third)->failed_logins, 0) << "the count restarts when the lock is set";
  EXPECT_EQ((*third)->locked_until, lock1);
  EXPECT_EQ((*third)->updated_at, u.updated_at) << "login bookkeeping is not a profile update";

  auto fourth = db_->users().record_failed_login(u.id, 3, at("2026-01-01T01:00:00Z"));
  ASSERT_TRUE(fourth && fourth->has_value()) << describe(fourth);
  EXPECT_EQ((*fourth)->failed_logins, 1);
  EXPECT_EQ((*fourth)->locked_until, lock1) << "the lock moves only when the threshold is hit";

  const Timestamp login = at("2026-01-01T02:00:00.123456Z");
  auto ok_login = db_->users().record_successful_login(u.id, login);
  ASSERT_TRUE(ok_login) << describe(ok_login);
  auto found = db_->users().find_by_id(u.id);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->failed_logins, 0);
  EXPECT_EQ((*found)->last_login_at, login);

  // threshold <= 0 never locks.
  for (int i = 1; i <= 3; ++i) {
    auto r = db_->users().record_failed_login(u.id, 0, at("2030-01-01T00:00:00Z"));
    ASSERT_TRUE(r && r->has_value()) << describe(r);
    EXPECT_EQ((*r)->failed_logins, i);
    EXPECT_EQ((*r)->locked_until, lock1);
  }

  auto missing = db_->users().record_failed_login(u.id + 1000, 3, lock1);
  ASSERT_TRUE(missing) << describe(missing);
  EXPECT_FALSE(missing->has_value());
  auto missing_ok = db_->users().record_successful_login(u.id + 1000, login);
  EXPECT_TRUE(missing_ok) << describe(missing_ok);
}

TEST_P(StoreParityTest, ConcurrentFailedLoginsAreEachCounted) {
  User u = create_user("hammer@example.com");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5;
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = db_->users().record_failed_login(u.id, 1000, at("2030-01-01T00:00:00Z"));
        if (!r) errors[t] = describe(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  auto found = db_->users().find_by_id(u.id);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->failed_logins, kThreads * kPerThread);
}

TEST_P(StoreParityTest, LastAdminIsNeitherDeletedNorDemoted) {
  User admin = create_user("admin@example.com", kRoleAdmin);
  User user = create_user("user@example.com");

  auto removed = db_->users().remove_unless_last_admin(admin.id);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, ErrorCode::kLastAdmin);
  EXPECT_EQ(removed.error().public_message, "Cannot delete the last admin user");
  auto demoted = db_->users().set_role_unless_last_admin(admin.id, kRoleUser);
  ASSERT_FALSE(demoted);
  EXPECT_EQ(demoted.error().code, ErrorCode::kLastAdmin);
  EXPECT_EQ(demoted.error().public_message, "Cannot remove the last admin user");
  auto still = db_->users().find_by_id(admin.id);
  ASSERT_TRUE(still && still->has_value());
  EXPECT_EQ((*still)->role, "admin");

  auto same = db_->users().set_role_unless_last_admin(admin.id, kRoleAdmin);
  ASSERT_TRUE(same && same->has_value()) << describe(same);
  EXPECT_EQ((*same)->role, "admin");
  auto bad_role = db_->users().set_role_unless_last_admin(user.id, "root");
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(bad_role.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(bad_role.error().public_message, "Invalid value");

  // A second admin makes the first removable; then the second is the last one.
  std::this_thread::sleep_for(1ms);
  auto promoted = db_->users().set_role_unless_last_admin(user.id, kRoleAdmin);
  ASSERT_TRUE(promoted && promoted->has_value()) << describe(promoted);
  EXPECT_EQ((*promoted)->role, "admin");
  EXPECT_GT((*promoted)->updated_at, user.updated_at);
  auto demote_first = db_->users().set_role_unless_last_admin(admin.id, kRoleUser);
  ASSERT_TRUE(demote_first && demote_first->has_value()) << describe(demote_first);
  EXPECT_EQ((*demote_first)->role, "user");
  auto refuse = db_->users().remove_unless_last_admin(user.id);
  ASSERT_FALSE(refuse);
  EXPECT_EQ(refuse.error().public_message, "Cannot delete the last admin user");

  // Non-admins go whatever the admin count; unknown ids are false / nullopt.
  auto removed_user = db_->users().remove_unless_last_admin(admin.id);
  ASSERT_TRUE(removed_user) << describe(removed_user);
  EXPECT_TRUE(*removed_user);
  auto again = db_->users().remove_unless_last_admin(admin.id);
  ASSERT_TRUE(again) << describe(again);
  EXPECT_FALSE(*again);
  auto missing = db_->users().set_role_unless_last_admin(admin.id, kRoleUser);
  ASSERT_TRUE(missing) << describe(missing);
  EXPECT_FALSE(missing->has_value());
  auto admins = db_->users().count_admins();
  ASSERT_TRUE(admins);
  EXPECT_EQ(*admins, 1);
}

TEST_P(StoreParityTest, LastAdminRuleHoldsUnderConcurrency) {
  constexpr int kRounds = 10;
  constexpr int kThreads = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string r = std::to_string(round);
    const std::int64_t admins[2] = {create_user("a1-" + r + "@x.io", kRoleAdmin).id,
                                    create_user("a2-" + r + "@x.io", kRoleAdmin).id};
    for (int i = 0; i < 3; ++i) create_user("u" + std::to_string(i) + "-" + r + "@x.io");

    std::atomic<int> ready{0};
    std::vector<std::string> outcomes(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Even threads delete, odd threads demote; targets alternate A, A, B, B, A, A, ...
        const std::int64_t target = admins[(t / 2) % 2];
        ++ready;
        while (ready.load() < kThreads) std::this_thread::yield();
        if (t % 2 == 0) {
          auto res = db_->users().remove_unless_last_admin(target);
          outcomes[t] = res ? (*res ? "deleted" : "missing") : describe(res);
        } else {
          auto res = db_->users().set_role_unless_last_admin(target, kRoleUser);
          outcomes[t] = res ? (res->has_value() ? "demoted" : "missing") : describe(res);
        }
      });
    }
    for (auto& th : threads) th.join();

    for (int t = 0; t < kThreads; ++t) {
      const std::string& o = outcomes[t];
      const bool refused = o == "last_admin: Cannot delete the last admin user []" ||
                           o == "last_admin: Cannot remove the last admin user []";
      EXPECT_TRUE(o == "deleted" || o == "demoted" || o == "missing" || refused)
          << "round " << round << " thread " << t << ": " << o;
    }
    auto count = db_->users().count_admins();
    ASSERT_TRUE(count) << describe(count);
    EXPECT_EQ(*count, 1) << "round " << round;
    int still_admin = 0;
    for (const std::int64_t id : admins) {
      auto u = db_->users().find_by_id(id);
      ASSERT_TRUE(u) << describe(u);
      if (u->has_value() && (*u)->role == kRoleAdmin) ++still_admin;
    }
    EXPECT_EQ(still_admin, 1) << "round " << round << ": exactly one of the two must remain";
    // The next round starts without admins: remove whichever of the two is left.
    for (const std::int64_t id : admins) {
      auto u = db_->users().find_by_id(id);
      if (u && u->has_value()) {
        ASSERT_TRUE(db_->users().remove(id));
      }
    }
  }
}

// --- sessions -----------------------------------------------------------------------------

NewSession new_session(std::int64_t user_id, const std::string& jti, Timestamp expires_at) {
  NewSession s;
  s.user_id = user_id;
  s.refresh_jti = jti;
  s.expires_at = expires_at;
  s.ip = "203.0.113.7";
  s.user_agent = "Mozilla/5.0 (X11; Linux x86_64) caf\xC3\xA9";
  return s;
}

TEST_P(StoreParityTest, SessionCreateFindAndListActive) {
  User owner = create_user("owner@example.com");
  User other = create_user("other@example.com");
  const Timestamp now = now_utc();
  const Timestamp later = now + std::chrono::hours(24);

  auto s1 = db_->sessions().create(new_session(owner.id, "jti-1", later));
  ASSERT_TRUE(s1) << describe(s1);
  EXPECT_EQ(s1->id.size(), 36u);
  EXPECT_EQ(s1->user_id, owner.id);
  EXPECT_EQ(s1->refresh_jti, "jti-1");
  EXPECT_EQ(s1->expires_at, later);
  EXPECT_EQ(s1->created_at, s1->last_used_at);
  EXPECT_GE(s1->created_at, now);
  EXPECT_EQ(s1->ip, "203.0.113.7");
  EXPECT_EQ(s1->user_agent, "Mozilla/5.0 (X11; Linux x86_64) caf\xC3\xA9");
  EXPECT_FALSE(s1->revoked_at.has_value());
  EXPECT_EQ(s1->revoked_reason, "");
  std::this_thread::sleep_for(1ms);
  auto s2 = db_->sessions().create(new_session(owner.id, "jti-2", later));
  std::this_thread::sleep_for(1ms);
  auto expired = db_->sessions().create(new_session(owner.id, "jti-3", now - 1s));
  std::this_thread::sleep_for(1ms);
  auto revoked = db_->sessions().create(new_session(owner.id, "jti-4", later));
  auto foreign = db_->sessions().create(new_session(other.id, "jti-5", later));
  ASSERT_TRUE(s2 && expired && revoked && foreign);
  auto r = db_->sessions().revoke(revoked->id, "logout", now);
  ASSERT_TRUE(r && *r) << describe(r);

  auto found = db_->sessions().find(s1->id);
  ASSERT_TRUE(found && found->has_value()) << describe(found);
  EXPECT_EQ((*found)->refresh_jti, "jti-1");
  EXPECT_EQ((*found)->created_at, s1->created_at);
  EXPECT_EQ((*found)->user_agent, s1->user_agent);
  std::string upper = s1->id;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  auto by_upper = db_->sessions().find(upper);
  ASSERT_TRUE(by_upper) << describe(by_upper);
  EXPECT_TRUE(by_upper->has_value());
  auto junk = db_->sessions().find("junk");
  ASSERT_TRUE(junk) << describe(junk);
  EXPECT_FALSE(junk->has_value());
  auto unknown = db_->sessions().find("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(unknown) << describe(unknown);
  EXPECT_FALSE(unknown->has_value());

  auto active = db_->sessions().list_active(owner.id, now);
  ASSERT_TRUE(active) << describe(active);
  ASSERT_EQ(active->size(), 2u) << "revoked and expired sessions are not listed";
  EXPECT_EQ((*active)[0].id, s2->id) << "newest first";
  EXPECT_EQ((*active)[1].id, s1->id);
  auto at_expiry = db_->sessions().list_active(owner.id, later);
  ASSERT_TRUE(at_expiry) << describe(at_expiry);
  EXPECT_TRUE(at_expiry->empty());

  auto orphan = db_->sessions().create(new_session(owner.id + other.id + 1000, "x", later));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kUserNotFound);
  EXPECT_EQ(orphan.error().public_message, "User not found");

  // Deleting the user deletes their sessions.
  ASSERT_TRUE(db_->users().remove(owner.id));
  auto gone = db_->sessions().find(s1->id);
  ASSERT_TRUE(gone) << describe(gone);
  EXPECT_FALSE(gone->has_value());
  auto kept = db_->sessions().find(foreign->id);
  ASSERT_TRUE(kept && kept->has_value());
}

TEST_P(StoreParityTest, SessionRotateIsACompareAndSet) {
  User owner = create_user("rotate@example.com");
  const Timestamp t0 = now_utc();
  auto s = db_->sessions().create(new_session(owner.id, "jti-a", t0 + std::chrono::hours(1)));
  ASSERT_TRUE(s) << describe(s);

  const Timestamp t1 = t0 + 10s;
  auto rotated = db_->sessions().rotate(s->id, "jti-a", "jti-b", t1);
  ASSERT_TRUE(rotated) << describe(rotated);
  EXPECT_TRUE(*rotated);
  auto read = db_->sessions().find(s->id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->refresh_jti, "jti-b");
  EXPECT_EQ((*read)->last_used_at, t1);

  auto reused = db_->sessions().rotate(s->id, "jti-a", "jti-c", t0 + 20s);
  ASSERT_TRUE(reused) << describe(reused);
  EXPECT_FALSE(*reused) << "a spent refresh jti must not rotate";
  read = db_->sessions().find(s->id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->refresh_jti, "jti-b") << "a failed rotation changes nothing";
  EXPECT_EQ((*read)->last_used_at, t1);

  auto past_expiry = db_->sessions().rotate(s->id, "jti-b", "jti-x", t0 + std::chrono::hours(2));
  ASSERT_TRUE(past_expiry) << describe(past_expiry);
  EXPECT_FALSE(*past_expiry) << "an expired session does not rotate";

  const Timestamp touched = t0 + 30s;
  ASSERT_TRUE(db_->sessions().touch(s->id, touched));
  read = db_->sessions().find(s->id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->last_used_at, touched);
  EXPECT_TRUE(db_->sessions().touch("00000000-0000-4000-8000-000000000000", touched));
  EXPECT_TRUE(db_->sessions().touch("junk", touched));

  auto revoked = db_->sessions().revoke(s->id, "reuse", t0 + 40s);
  ASSERT_TRUE(revoked) << describe(revoked);
  EXPECT_TRUE(*revoked);
  auto revoked_again = db_->sessions().revoke(s->id, "logout", t0 + 50s);
  ASSERT_TRUE(revoked_again) << describe(revoked_again);
  EXPECT_FALSE(*revoked_again);
  read = db_->sessions().find(s->id);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->revoked_at, t0 + 40s);
  EXPECT_EQ((*read)->revoked_reason, "reuse");
  auto after_revoke = db_->sessions().rotate(s->id, "jti-b", "jti-d", t0 + 60s);
  ASSERT_TRUE(after_revoke) << describe(after_revoke);
  EXPECT_FALSE(*after_revoke) << "a revoked session does not rotate";
  auto missing = db_->sessions().rotate("junk", "jti-b", "jti-d", t0);
  ASSERT_TRUE(missing) << describe(missing);
  EXPECT_FALSE(*missing);
  auto revoke_missing = db_->sessions().revoke("00000000-0000-4000-8000-000000000000", "x", t0);
  ASSERT_TRUE(revoke_missing) << describe(revoke_missing);
  EXPECT_FALSE(*revoke_missing);
}

TEST_P(StoreParityTest, ConcurrentRotationsOfOneJtiSucceedOnce) {
  User owner = create_user("race@example.com");
  const Timestamp t0 = now_utc();
  auto s = db_->sessions().create(new_session(owner.id, "jti-0", t0 + std::chrono::hours(1)));
  ASSERT_TRUE(s) << describe(s);
  constexpr int kThreads = 8;
  std::atomic<int> wins{0};
  std::atomic<int> ready{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      auto r = db_->sessions().rotate(s->id, "jti-0", "jti-" + std::to_string(t + 1), t0 + 1s);
      if (!r) {
        errors[t] = describe(r);
      } else if (*r) {
        ++wins;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  EXPECT_EQ(wins.load(), 1);
}

TEST_P(StoreParityTest, UserWithSessionIsOneReadOfBoth) {
  User owner = create_user("withsession@example.com");
  User other = create_user("notmine@example.com");
  const Timestamp later = now_utc() + std::chrono::hours(1);
  auto mine = db_->sessions().create(new_session(owner.id, "m", later));
  auto theirs = db_->sessions().create(new_session(other.id, "t", later));
  ASSERT_TRUE(mine && theirs);

  auto live = db_->users().find_with_session(owner.id, mine->id);
  ASSERT_TRUE(live) << describe(live);
  ASSERT_TRUE(live->has_value());
  EXPECT_EQ((*live)->user.email, "withsession@example.com");
  EXPECT_TRUE((*live)->session_live);
  // Upper-case spelling of the same UUID is the same session.
  std::string upper = mine->id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE((*db_->users().find_with_session(owner.id, upper))->session_live);

  // Another user's session, a non-UUID and an unknown UUID are not live; the user still is.
  for (const std::string& sid : {theirs->id, std::string("not-a-uuid"), std::string(""),
                                 std::string("00000000-0000-4000-8000-000000000000")}) {
    auto r = db_->users().find_with_session(owner.id, sid);
    ASSERT_TRUE(r) << describe(r);
    ASSERT_TRUE(r->has_value()) << sid;
    EXPECT_FALSE((*r)->session_live) << sid;
  }
  // A revoked session is not live; an unknown user is nullopt.
  ASSERT_TRUE(db_->sessions().revoke(mine->id, "logout", now_utc()));
  EXPECT_FALSE((*db_->users().find_with_session(owner.id, mine->id))->session_live);
  auto nobody = db_->users().find_with_session(999999, mine->id);
  ASSERT_TRUE(nobody);
  EXPECT_FALSE(nobody->has_value());
}

TEST_P(StoreParityTest, SessionRevokeAllKeepsOne) {
  User owner = create_user("all@example.com");
  User other = create_user("bystander@example.com");
  const Timestamp now = now_utc();
  const Timestamp later = now + std::chrono::hours(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto s = db_->sessions().create(new_session(owner.id, "j" + std::to_string(i), later));
    ASSERT_TRUE(s) << describe(s);
    ids.push_back(s->id);
  }
  auto expired = db_->sessions().create(new_session(owner.id, "old", now - 1s));
  auto theirs = db_->sessions().create(new_session(other.id, "theirs", later));
  ASSERT_TRUE(expired && theirs);
  ASSERT_TRUE(db_->sessions().revoke(ids[3], "logout", now));

  auto revoked = db_->sessions().revoke_all(owner.id, ids[0], "logout_all", now);
  ASSERT_TRUE(revoked) << describe(revoked);
  std::vector<std::string> expected = {ids[1], ids[2], expired->id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(*revoked, expected) << "unrevoked sessions except keep_id (expired ones included)";
  auto active = db_->sessions().list_active(owner.id, now);
  ASSERT_TRUE(active) << describe(active);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].id, ids[0]);
  auto read = db_->sessions().find(ids[1]);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->revoked_reason, "logout_all");
  auto fourth = db_->sessions().find(ids[3]);
  ASSERT_TRUE(fourth && fourth->has_value());
  EXPECT_EQ((*fourth)->revoked_reason, "logout") << "already revoked sessions are not touched";

  auto rest = db_->sessions().revoke_all(owner.id, "", "password_reset", now);
  ASSERT_TRUE(rest) << describe(rest);
  EXPECT_EQ(*rest, std::vector<std::string>{ids[0]});
  auto none = db_->sessions().revoke_all(owner.id, "", "password_reset", now);
  ASSERT_TRUE(none) << describe(none);
  EXPECT_TRUE(none->empty());
  auto theirs_active = db_->sessions().list_active(other.id, now);
  ASSERT_TRUE(theirs_active) << describe(theirs_active);
  EXPECT_EQ(theirs_active->size(), 1u) << "other users' sessions are untouched";
  auto junk_keep = db_->sessions().revoke_all(other.id, "junk", "logout_all", now);
  ASSERT_TRUE(junk_keep) << describe(junk_keep);
  EXPECT_EQ(*junk_keep, std::vector<std::string>{theirs->id});
}

// --- used tokens --------------------------------------------------------------------------

TEST_P(StoreParityTest, UsedTokensAreSpentOnce) {
  const Timestamp now = now_utc();
  auto first = db_->used_tokens().consume("jti-verify", "verify", now + 1h);
  ASSERT_TRUE(first) << describe(first);
  EXPECT_TRUE(*first);
  auto second = db_->used_tokens().consume("jti-verify", "verify", now + 1h);
  ASSERT_TRUE(second) << describe(second);
  EXPECT_FALSE(*second);
  auto other_kind = db_->used_tokens().consume("jti-verify", "reset", now + 1h);
  ASSERT_TRUE(other_kind) << describe(other_kind);
  EXPECT_FALSE(*other_kind) << "jtis are unique whatever the kind";
  auto another = db_->used_tokens().consume("jti-reset", "reset", now - 1h);
  ASSERT_TRUE(another) << describe(another);
  EXPECT_TRUE(*another);
  auto old = db_->used_tokens().consume("jti-old", "mfa", now - 2h);
  ASSERT_TRUE(old && *old);

  auto purged = db_->used_tokens().purge_expired(now);
  ASSERT_TRUE(purged) << describe(purged);
  EXPECT_EQ(*purged, 2);
  auto purged_again = db_->used_tokens().purge_expired(now);
  ASSERT_TRUE(purged_again) << describe(purged_again);
  EXPECT_EQ(*purged_again, 0);
  auto kept = db_->used_tokens().consume("jti-verify", "verify", now + 1h);
  ASSERT_TRUE(kept) << describe(kept);
  EXPECT_FALSE(*kept) << "unexpired rows survive the purge";
}

TEST_P(StoreParityTest, ConcurrentConsumeSpendsATokenOnce) {
  constexpr int kThreads = 8;
  constexpr int kTokens = 10;
  const Timestamp exp = now_utc() + 1h;
  std::vector<std::atomic<int>> wins(kTokens);
  std::atomic<int> ready{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int k = 0; k < kTokens; ++k) {
        auto r = db_->used_tokens().consume("race-" + std::to_string(k), "reset", exp);
        if (!r) {
          errors[t] = describe(r);
        } else if (*r) {
          ++wins[k];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  for (int k = 0; k < kTokens; ++k) EXPECT_EQ(wins[k].load(), 1) << "token " << k;
}

// --- outbox -------------------------------------------------------------------------------

TEST_P(StoreParityTest, OutboxClaimLeasesAndReleases) {
  auto& outbox = db_->outbox();
  const Timestamp t0 = at("2026-03-01T12:00:00Z");
  const auto lease = std::chrono::seconds(60);
  auto m1 = outbox.enqueue("email", R"({"to":"a@x.io"})", t0);
  auto m2 = outbox.enqueue("email", R"({"to":"b@x.io"})", t0 - 1h);
  auto m3 = outbox.enqueue("email", R"({"to":"c@x.io"})", t0);
  auto later = outbox.enqueue("email", R"({"to":"later@x.io"})", t0 + 1h);
  auto hook = outbox.enqueue("webhook", R"({"type":"user.deleted"})", t0);
  ASSERT_TRUE(m1 && m2 && m3 && later && hook) << describe(m1);
  EXPECT_LT(*m1, *m2);
  EXPECT_LT(*m2, *m3);
  auto pending = outbox.count_pending("email");
  ASSERT_TRUE(pending) << describe(pending);
  EXPECT_EQ(*pending, 4);

  auto none = outbox.claim("email", 0, t0, lease);
  ASSERT_TRUE(none) << describe(none);
  EXPECT_TRUE(none->empty());
  auto first = outbox.claim("email", 2, t0, lease);
  ASSERT_TRUE(first) << describe(first);
  ASSERT_EQ(first->size(), 2u) << "limit respected";
  EXPECT_EQ((*first)[0].id, *m1) << "oldest (by id) first";
  EXPECT_EQ((*first)[1].id, *m2);
  EXPECT_EQ((*first)[0].kind, "email");
  EXPECT_EQ((*first)[0].payload, R"({"to":"a@x.io"})");
  EXPECT_EQ((*first)[0].attempts, 0);
  EXPECT_EQ((*first)[0].available_at, t0 + lease);
  EXPECT_FALSE((*first)[0].sent_at.has_value());
  EXPECT_EQ((*first)[0].last_error, "");

  auto second = outbox.claim("email", 10, t0, lease);
  ASSERT_TRUE(second) << describe(second);
  ASSERT_EQ(second->size(), 1u) << "leased messages are hidden from a second claim";
  EXPECT_EQ((*second)[0].id, *m3);
  auto during = outbox.claim("email", 10, t0 + 59s, lease);
  ASSERT_TRUE(during) << describe(during);
  EXPECT_TRUE(during->empty());
  auto hooks = outbox.claim("webhook", 10, t0, lease);
  ASSERT_TRUE(hooks) << describe(hooks);
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ((*hooks)[0].id, *hook);

  // Delivered, retried later, given up; the lease of the rest expires.
  ASSERT_TRUE(outbox.mark_sent(*m1, t0 + 1s));
  ASSERT_TRUE(outbox.mark_failed(*m2, "421 try again", t0 + 5min));
  ASSERT_TRUE(outbox.mark_failed(*m3, "550 no such user", std::nullopt));
  pending = outbox.count_pending("email");
  ASSERT_TRUE(pending) << describe(pending);
  EXPECT_EQ(*pending, 2) << "m2 (retrying) and the later one";

  auto after_lease = outbox.claim("email", 10, t0 + 2min, lease);
  ASSERT_TRUE(after_lease) << describe(after_lease);
  EXPECT_TRUE(after_lease->empty()) << "sent, backed-off and given-up messages are not claimed";
  auto retry = outbox.claim("email", 10, t0 + 5min, lease);
  ASSERT_TRUE(retry) << describe(retry);
  ASSERT_EQ(retry->size(), 1u);
  EXPECT_EQ((*retry)[0].id, *m2);
  EXPECT_EQ((*retry)[0].attempts, 1);
  EXPECT_EQ((*retry)[0].last_error, "421 try again");

  // After its lease expires an unacknowledged message comes back (at-least-once).
  auto again = outbox.claim("email", 10, t0 + 5min + lease, lease);
  ASSERT_TRUE(again) << describe(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, *m2);
  ASSERT_TRUE(outbox.mark_failed(*m2, "421 still", std::nullopt));
  ASSERT_TRUE(outbox.mark_sent(*m2, t0 + 1h)) << "a no-op on a given-up message is fine";

  auto far = outbox.claim("email", 10, t0 + 24h * 365, lease);
  ASSERT_TRUE(far) << describe(far);
  ASSERT_EQ(far->size(), 1u) << "only the later message; given-up ones never return";
  EXPECT_EQ((*far)[0].id, *later);
  ASSERT_TRUE(outbox.mark_sent(*later, t0 + 2h));
  ASSERT_TRUE(outbox.mark_failed(*later, "too late", t0 + 3h)) << "no effect once sent";
  auto done = outbox.claim("email", 10, t0 + 24h * 365, lease);
  ASSERT_TRUE(done) << describe(done);
  EXPECT_TRUE(done->empty());
  pending = outbox.count_pending("email");
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 0);
  EXPECT_TRUE(outbox.mark_sent(*later + 1000, t0)) << "unknown ids are a no-op";
}

TEST_P(StoreParityTest, ConcurrentClaimersNeverShareAMessage) {
  constexpr int kMessages = 60;
  constexpr int kThreads = 4;
  const Timestamp now = at("2026-03-01T12:00:00Z");
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(db_->outbox().enqueue("email", "{\"n\":" + std::to_string(i) + "}", now));
  }
  std::atomic<int> ready{0};
  std::vector<std::vector<std::int64_t>> claimed(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (;;) {
        auto batch = db_->outbox().claim("email", 3, now, std::chrono::seconds(300));
        if (!batch) {
          errors[t] = describe(batch);
          return;
        }
        if (batch->empty()) return;
        for (const auto& m : *batch) claimed[t].push_back(m.id);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  std::set<std::int64_t> unique;
  std::size_t total = 0;
  for (const auto& v : claimed) {
    unique.insert(v.begin(), v.end());
    total += v.size();
  }
  EXPECT_EQ(total, unique.size()) << "a message was claimed twice";
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kMessages));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreParityTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);
INSTANTIATE_TEST_SUITE_P(Backends, StoreSearchTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres), backend_label);

// --- failure modes (no parity: each is about one backend) --------------------------------

TEST(StoreUnavailableTest, PostgresOnAClosedPortIsUnavailableWithoutThePassword) {
  config::DatabaseSettings settings;
  settings.backend = config::DatabaseBackend::kPostgres;
  // Port 1 is never a PostgreSQL server; the password is distinctive so a leak is visible.
  settings.url = "postgresql://gatehouse:Sup3r%2FSecret-pw@127.0.0.1:1/gatehouse_test";
  settings.connect_timeout_seconds = 2;
  settings.pool_size = 2;
  DatabasePtr db;
  ASSERT_NO_THROW(db = make_postgres_database(settings));  // must not connect here
  Status pinged = ok();
  ASSERT_NO_THROW(pinged = db->ping());
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(pinged.error().cause.empty());
  EXPECT_EQ(pinged.error().cause.find("Sup3r"), std::string::npos) << pinged.error().cause;
  EXPECT_EQ(pinged.error().public_message.find("Sup3r"), std::string::npos);

  auto migrated = db->migrate();
  ASSERT_FALSE(migrated);
  EXPECT_EQ(migrated.error().code, ErrorCode::kUnavailable);
  auto user = db->users().find_by_id(1);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(user.error().cause.find("Sup3r"), std::string::npos) << user.error().cause;
}

TEST(StoreUnavailableTest, SqliteFileThatCannotBeOpenedIsUnavailableNamingThePath) {
  config::DatabaseSettings settings;
  settings.sqlite_path = "/nonexistent-gatehouse-dir/sub/gatehouse.db";
  DatabasePtr db;
  ASSERT_NO_THROW(db = make_sqlite_database(settings));
  auto pinged = db->ping();
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(pinged.error().cause.find(settings.sqlite_path), std::string::npos)
      << pinged.error().cause;
  auto migrated = db->migrate();
  ASSERT_FALSE(migrated);
  EXPECT_EQ(migrated.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(migrated.error().cause.find(settings.sqlite_path), std::string::npos);
}

TEST(StoreUnavailableTest, SqliteFileThatIsNotADatabaseIsUnavailable) {
  const std::string path = temp_sqlite_path();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string junk(4096, 'j');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  config::DatabaseSettings settings;
  settings.sqlite_path = path;
  auto db = make_sqlite_database(settings);
  auto pinged = db->ping();
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(pinged.error().cause.find(path), std::string::npos) << pinged.error().cause;
  db.reset();
  std::remove(path.c_str());
}

TEST(StoreSqliteTest, InMemoryDatabaseSharesOneHandle) {
  config::DatabaseSettings settings;
  settings.sqlite_path = ":memory:";
  settings.pool_size = 8;  // ignored: every handle would be a separate empty database
  auto db = make_sqlite_database(settings);
  ASSERT_TRUE(db->migrate());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        (void)db->users().create(new_user("m" + std::to_string(t * 10 + i) + "@x.io"));
      }
    });
  }
  for (auto& th : threads) th.join();
  auto count = db->users().count();
  ASSERT_TRUE(count) << describe(count);
  EXPECT_EQ(*count, 20);
}

TEST(StorePostgresSessionTest, TimestampsAreUtcWhateverTheServerDefaults) {
  REQUIRE_POSTGRES();
  config::DatabaseSettings settings;
  settings.backend = config::DatabaseBackend::kPostgres;
  // A session that would print times in a +12:45/+13:45 zone with day-first dates, unless
  // the store resets it.
  const std::string dsn = PgScratchDatabase::url();
  settings.url = dsn + (dsn.find('?') == std::string::npos ? "?" : "&") +
                 "options=-c%20TimeZone%3DPacific%2FChatham%20-c%20DateStyle%3DSQL%2CDMY";
  auto db = make_postgres_database(settings);
  ASSERT_TRUE(db->drop_all());
  auto migrated = db->migrate();
  ASSERT_TRUE(migrated) << describe(migrated);
  auto user = db->users().create(new_user("tz@example.com"));
  ASSERT_TRUE(user) << describe(user);
  user->last_login_at = at("2026-12-31T23:59:59.999999Z");
  ASSERT_TRUE(db->users().record_successful_login(user->id, *user->last_login_at));
  auto updated = db->users().find_by_id(user->id);
  ASSERT_TRUE(updated && updated->has_value()) << describe(updated);
  EXPECT_EQ((*updated)->last_login_at, user->last_login_at);
  EXPECT_EQ((*updated)->created_at, user->created_at);
  ASSERT_TRUE(db->drop_all());
}

TEST(StorePostgresRestartTest, PoolReplacesConnectionsTheServerTerminated) {
  REQUIRE_POSTGRES();
  config::DatabaseSettings settings;
  settings.backend = config::DatabaseBackend::kPostgres;
  settings.url = PgScratchDatabase::url();
  // One connection, so the statement after the termination certainly meets the dead one.
  settings.pool_size = 1;
  auto db = make_postgres_database(settings);
  ASSERT_TRUE(db->drop_all());
  ASSERT_TRUE(db->migrate());
  for (int round = 0; round < 3; ++round) {
    auto warm = db->users().count();
    ASSERT_TRUE(warm) << describe(warm);
    // What a restart or an administrator does to every session: FATAL 57P01, then close.
    // The timeout makes the call wait until the backend is gone, as pg_ctl -w does.
    const std::string killed =
        admin_query(PgScratchDatabase::url(),
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    ASSERT_EQ(killed, "1") << "expected to terminate the pool's one connection";
    // A non-retryable insert: it succeeds only because the dead connection is noticed
    // before anything is sent on it.
    auto created = db->users().create(new_user("round" + std::to_string(round) + "@x.io"));
    ASSERT_TRUE(created) << describe(created);
  }
  auto count = db->users().count();
  ASSERT_TRUE(count) << describe(count);
  EXPECT_EQ(*count, 3);
}

TEST(StorePostgresRestartTest, PoolSurvivesAServerRestart) {
  REQUIRE_POSTGRES();
  const char* restart = std::getenv("TEST_PG_RESTART");
  if (restart == nullptr) GTEST_SKIP() << "needs TEST_PG_RESTART (see scripts/services env)";
  // The server is shared: restarting it under another test's feet (ctest -j) would fail
  // that test. Connection loss itself is covered by the termination test above.
  const std::string others =
      admin_query(PgScratchDatabase::url(),
                  "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                  "AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM current_database()");
  if (others != "0") {
    GTEST_SKIP() << "other clients are connected to the server (" << others
                 << "): not restarting it";
  }
  config::DatabaseSettings settings;
  settings.backend = config::DatabaseBackend::kPostgres;
  settings.url = PgScratchDatabase::url();
  // One connection, so the statement after the restart certainly meets the stale one.
  settings.pool_size = 1;
  auto db = make_postgres_database(settings);
  ASSERT_TRUE(db->drop_all());
  ASSERT_TRUE(db->migrate());
  auto created = db->users().create(new_user("before@example.com"));
  ASSERT_TRUE(created) << describe(created);

  ASSERT_EQ(std::system((std::string(restart) + " >/dev/null").c_str()), 0) << restart;

  // pg_ctl -w returns once the server accepts connections. The first statement is a
  // non-retryable insert: it succeeds only because the dead connection is noticed before
  // anything is sent on it.
  auto after = db->users().create(new_user("after@example.com"));
  ASSERT_TRUE(after) << describe(after);
  auto found = db->users().find_by_id(created->id);
  ASSERT_TRUE(found) << describe(found);
  EXPECT_TRUE(found->has_value());
  auto count = db->users().count();
  ASSERT_TRUE(count) << describe(count);
  EXPECT_EQ(*count, 2);
  ASSERT_TRUE(db->drop_all());
}

}  // namespace
}  // namespace gatehouse::store
