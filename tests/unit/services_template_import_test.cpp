// The pure rules of `gatehouse import fastapi-template` (services/template_import_rules.hpp)
// and how it shows its source URL (app/import_source_url.hpp).
#include <gtest/gtest.h>

#include "app/import_source_url.hpp"
#include "services/template_import_rules.hpp"

namespace gatehouse::services {
namespace {

using Scopes = std::optional<std::vector<std::string>>;

TEST(TemplateRevision, KnownRevisionsGiveTheirTables) {
  const auto initial = check_template_revision(std::vector<std::string>{"5a8bd25c2227"});
  ASSERT_TRUE(initial.schema);
  EXPECT_FALSE(initial.schema->has_api_keys);
  const auto keys = check_template_revision(std::vector<std::string>{"add_api_keys_table"});
  ASSERT_TRUE(keys.schema);
  EXPECT_TRUE(keys.schema->has_api_keys);
  EXPECT_FALSE(keys.schema->has_last_used_at);
  const auto last = check_template_revision(std::vector<std::string>{"add_last_used_at"});
  ASSERT_TRUE(last.schema);
  EXPECT_TRUE(last.schema->has_api_keys);
  EXPECT_TRUE(last.schema->has_last_used_at);
  EXPECT_EQ(last.schema->revision, "add_last_used_at");
}

TEST(TemplateRevision, AnythingElseIsRefusedWithOneLine) {
  const auto none = check_template_revision(std::nullopt);
  EXPECT_FALSE(none.schema);
  EXPECT_NE(none.problem.find("no alembic_version table"), std::string::npos);
  const auto empty = check_template_revision(std::vector<std::string>{});
  EXPECT_FALSE(empty.schema);
  EXPECT_NE(empty.problem.find("holds 0 revisions"), std::string::npos);
  const auto two =
      check_template_revision(std::vector<std::string>{"5a8bd25c2227", "add_last_used_at"});
  EXPECT_FALSE(two.schema);
  const auto unknown = check_template_revision(std::vector<std::string>{"add_teams"});
  EXPECT_FALSE(unknown.schema);
  EXPECT_NE(unknown.problem.find("unknown alembic revision 'add_teams'"), std::string::npos);
  for (const auto* c : {&none, &empty, &two, &unknown}) {
    EXPECT_EQ(c->problem.find('\n'), std::string::npos) << c->problem;
  }
}

TEST(TemplateScopes, NullStaysNull) {
  const auto m = map_template_scopes(std::nullopt, false);
  EXPECT_FALSE(m.scopes);
  EXPECT_TRUE(m.dropped.empty());
}

TEST(TemplateScopes, KnownKeptUnknownDroppedNeverWidened) {
  const auto m = map_template_scopes(
      Scopes{{"read", "users:read", "users:read", "Users:Write", "api-keys:write"}}, false);
  ASSERT_TRUE(m.scopes);
  EXPECT_EQ(*m.scopes, (std::vector<std::string>{"users:read", "api-keys:write"}));
  EXPECT_EQ(m.dropped, (std::vector<std::string>{"read", "Users:Write"}));
}

TEST(TemplateScopes, AdminScopesOnlyForAdmins) {
  const Scopes in{{"admin:read", "users:read"}};
  const auto user = map_template_scopes(in, false);
  EXPECT_EQ(*user.scopes, (std::vector<std::string>{"users:read"}));
  EXPECT_EQ(user.dropped, (std::vector<std::string>{"admin:read"}));
  const auto admin = map_template_scopes(in, true);
  EXPECT_EQ(*admin.scopes, (std::vector<std::string>{"admin:read", "users:read"}));
  EXPECT_TRUE(admin.dropped.empty());
}

TEST(TemplateScopes, AListOfUnknownsBecomesEmptyNotNull) {
  // Empty reaches no scoped route; null would be the user's full rights (a widening).
  const auto m = map_template_scopes(Scopes{{"everything"}}, true);
  ASSERT_TRUE(m.scopes);
  EXPECT_TRUE(m.scopes->empty());
  const auto empty = map_template_scopes(Scopes{std::vector<std::string>{}}, false);
  ASSERT_TRUE(empty.scopes);
  EXPECT_TRUE(empty.scopes->empty());
  EXPECT_TRUE(empty.dropped.empty());
}

store::ImportedUser user(std::int64_t id, const std::string& email) {
  store::ImportedUser u;
  u.id = id;
  u.email = email;
  return u;
}

TEST(TemplateRows, UserNewPresentOrConflict) {
  EXPECT_EQ(judge_user(user(5, "a@x.org"), {}).state, RowState::kNew);
  EXPECT_EQ(judge_user(user(5, "a@x.org"), {{5, "a@x.org"}}).state, RowState::kPresent);
  const auto id_taken = judge_user(user(5, "a@x.org"), {{5, "b@x.org"}});
  EXPECT_EQ(id_taken.state, RowState::kConflict);
  EXPECT_NE(id_taken.reason.find("id 5 is already another user's"), std::string::npos);
  const auto email_taken = judge_user(user(5, "a@x.org"), {{9, "a@x.org"}});
  EXPECT_EQ(email_taken.state, RowState::kConflict);
  EXPECT_NE(email_taken.reason.find("already user 9's"), std::string::npos);
  // Emails compare exactly, as the store's unique index does.
  EXPECT_EQ(judge_user(user(5, "a@x.org"), {{9, "A@x.org"}}).state, RowState::kNew);
}

TEST(TemplateRows, KeyNewPresentOrConflict) {
  store::ImportedApiKey k;
  k.id = "0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3";
  k.user_id = 5;
  k.key_hash = std::string(64, 'a');
  EXPECT_EQ(judge_api_key(k, {}).state, RowState::kNew);
  EXPECT_EQ(judge_api_key(k, {{k.id, 5, k.key_hash}}).state, RowState::kPresent);
  EXPECT_EQ(judge_api_key(k, {{k.id, 6, k.key_hash}}).state, RowState::kConflict);
  EXPECT_EQ(judge_api_key(k, {{k.id, 5, std::string(64, 'b')}}).state, RowState::kConflict);
  const auto hash_taken =
      judge_api_key(k, {{"11111111-2222-4333-8444-555555555555", 5, k.key_hash}});
  EXPECT_EQ(hash_taken.state, RowState::kConflict);
  // No secret in a reason.
  for (const auto& stored : std::vector<store::StoredKeyIdentity>{
           {k.id, 5, std::string(64, 'b')},
           {"11111111-2222-4333-8444-555555555555", 5, k.key_hash}}) {
    const auto v = judge_api_key(k, {stored});
    EXPECT_EQ(v.reason.find("aaaa"), std::string::npos) << v.reason;
    EXPECT_EQ(v.reason.find("bbbb"), std::string::npos) << v.reason;
  }
}

TEST(TemplateEmails, StoredInTheFormSignUpGives) {
  // The domain lower-cased, the local part kept: login normalises the same way.
  const auto mixed = normalize_imported_email("Bob@Example.COM");
  ASSERT_TRUE(mixed.normalized) << mixed.problem;
  EXPECT_EQ(*mixed.normalized, "Bob@example.com");
  const auto plain = normalize_imported_email("ann@example.com");
  ASSERT_TRUE(plain.normalized);
  EXPECT_EQ(*plain.normalized, "ann@example.com");
  const auto idna = normalize_imported_email("user@xn--exmple-cua.com");
  ASSERT_TRUE(idna.normalized) << idna.problem;
  EXPECT_EQ(*idna.normalized, "user@ex\xc3\xa4mple.com");
}

TEST(TemplateEmails, InvalidAddressesAreRefusedWithOneLine) {
  for (const std::string& bad :
       {std::string("no-at-sign"), std::string("a\r\nX-Injected: 1@example.com"),
        std::string("ctl\x01@example.com"), std::string("two..dots@example.com"),
        std::string("user@localhost")}) {
    const auto e = normalize_imported_email(bad);
    EXPECT_FALSE(e.normalized) << bad;
    EXPECT_NE(e.problem.find("not a valid email address"), std::string::npos) << e.problem;
    EXPECT_EQ(e.problem.find('\n'), std::string::npos) << e.problem;
  }
}

TEST(TemplateEmails, PrintableEscapesControlBytes) {
  EXPECT_EQ(printable("a\r\nb\x7f\x01"), "a\\x0d\\x0ab\\x7f\\x01");
  EXPECT_EQ(printable("Bob@ex\xc3\xa4mple.com"), "Bob@ex\xc3\xa4mple.com");
}

TEST(TemplateSourceUrl, PasswordIsMaskedInEverySpelling) {
  using app::masked_source_url;
  EXPECT_EQ(masked_source_url("postgresql://app:s3cret@db:5432/app"),
            "postgresql://app:****@db:5432/app");
  EXPECT_EQ(masked_source_url("postgresql+asyncpg://app:p%40ss@db/app"),
            "postgresql+asyncpg://app:****@db/app");
  EXPECT_EQ(masked_source_url("postgres://app@db/app"), "postgres://app@db/app");
  EXPECT_EQ(masked_source_url("postgresql://db/app?user=app&password=s3cret&sslmode=require"),
            "postgresql://db/app?user=app&password=****&sslmode=require");
  EXPECT_EQ(masked_source_url("host=db dbname=app password=s3cret user=app"),
            "host=db dbname=app password=**** user=app");
  EXPECT_EQ(masked_source_url("host=db password='s3 cret' dbname=app"),
            "host=db password=**** dbname=app");
}

TEST(TemplateSourceUrl, OnlyPostgresSpellingsAreSources) {
  using app::is_postgres_source;
  EXPECT_TRUE(is_postgres_source("postgresql://u:p@h/db"));
  EXPECT_TRUE(is_postgres_source("postgres://h/db"));
  EXPECT_TRUE(is_postgres_source("postgresql+asyncpg://u:p@h/db"));
  EXPECT_TRUE(is_postgres_source("host=h dbname=db"));
  EXPECT_FALSE(is_postgres_source("mysql://u:p@h/db"));
  EXPECT_FALSE(is_postgres_source("sqlite:///data/gatehouse.db"));
  EXPECT_FALSE(is_postgres_source("postgresql+asyncpg:/h/db"));
  EXPECT_FALSE(is_postgres_source(""));
}

}  // namespace
}  // namespace gatehouse::services
