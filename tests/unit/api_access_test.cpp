// Scope rules (docs/http-api.md §2 "Scopes", "Roles and order of checks"): the vocabulary, what a
// key may be given, and the one access check with its order: role or ownership → signed-in
// user → scope.
#include <gtest/gtest.h>

#include "api/access.hpp"
#include "services/scopes.hpp"

namespace gatehouse {
namespace {

using api::Access;
using api::Audience;
using services::Principal;

using Scopes = std::vector<std::string>;

constexpr std::int64_t kSelf = 7;
constexpr std::int64_t kOther = 8;

Principal token_user(bool admin = false) {
  Principal p;
  p.user.id = kSelf;
  p.user.role = admin ? store::kRoleAdmin : store::kRoleUser;
  p.session_id = "00000000-0000-4000-8000-000000000001";
  return p;
}

Principal key_user(std::optional<std::vector<std::string>> scopes, bool admin = false) {
  Principal p = token_user(admin);
  p.session_id.clear();
  p.api_key_id = "00000000-0000-4000-8000-000000000002";
  p.scopes = std::move(scopes);
  return p;
}

std::string outcome(const Status& s) { return s ? "ok" : s.error().public_message; }

const Access kUsersRead{.scope = "users:read"};
const Access kAdminWrite{.audience = Audience::kAdmin, .scope = "admin:write"};
const Access kOwnerWrite{
    .audience = Audience::kOwnerOrAdmin, .scope = "users:write", .other_user_scope = "admin:write"};
const Access kSignedIn{.scope = "api-keys:write", .signed_in = true};

TEST(ScopeVocabulary, TheEightScopesOfTheContract) {
  EXPECT_EQ(services::kAllScopes.size(), 8u);
  for (const char* s : {"users:read", "users:write", "api-keys:read", "api-keys:write",
                        "sessions:read", "sessions:write", "admin:read", "admin:write"}) {
    EXPECT_TRUE(services::is_known_scope(s)) << s;
  }
  for (const char* s : {"", "users", "users:*", "Users:read", "admin", "users:read ", "read"}) {
    EXPECT_FALSE(services::is_known_scope(s)) << s;
  }
}

TEST(ScopeVocabulary, WhatAKeyMayBeGiven) {
  EXPECT_EQ(services::scope_problem({}, false), std::nullopt) << "an empty list is allowed";
  EXPECT_EQ(services::scope_problem({"users:read", "sessions:write"}, false), std::nullopt);
  EXPECT_EQ(services::scope_problem({"admin:read", "admin:write"}, true), std::nullopt);
  EXPECT_EQ(services::scope_problem({"users:read", "bogus"}, true),
            "Unknown scope 'bogus'. Valid scopes: users:read, users:write, admin:read, "
            "admin:write, api-keys:read, api-keys:write, sessions:read, sessions:write");
  EXPECT_EQ(services::scope_problem({"users:read", "admin:write"}, false),
            "Scope 'admin:write' requires an admin user");
  // An unknown name is reported before the admin rule.
  EXPECT_EQ(services::scope_problem({"admin:read", "x"}, false)->rfind("Unknown scope 'x'", 0), 0u);
  EXPECT_EQ(services::without_duplicates({"a", "b", "a", "c", "b"}), (Scopes{"a", "b", "c"}));
}

TEST(ScopeVocabulary, NullMeansAllAndAListNeedsTheExactName) {
  EXPECT_TRUE(services::scope_allows(std::nullopt, "admin:write"));
  EXPECT_TRUE(services::scope_allows(Scopes{"users:read"}, "users:read"));
  EXPECT_FALSE(services::scope_allows(Scopes{}, "users:read"));
  EXPECT_FALSE(services::scope_allows(Scopes{"users:write"}, "users:read"))
      << "write does not imply read";
  EXPECT_FALSE(services::scope_allows(Scopes{"admin:write"}, "users:write"))
      << "admin scopes do not imply user scopes";
}

TEST(ScopeRules, TokensAreNotLimitedByScopes) {
  EXPECT_EQ(outcome(api::check_access(kUsersRead, token_user(), 0, false)), "ok");
  EXPECT_EQ(outcome(api::check_access(kSignedIn, token_user(), 0, true)), "ok");
  EXPECT_EQ(outcome(api::check_access(kOwnerWrite, token_user(true), kOther, false)), "ok");
}

TEST(ScopeRules, AKeyNeedsTheRoutesScope) {
  EXPECT_EQ(outcome(api::check_access(kUsersRead, key_user(std::nullopt), 0, false)), "ok");
  EXPECT_EQ(outcome(api::check_access(kUsersRead, key_user(Scopes{"users:read"}), 0, false)), "ok");
  EXPECT_EQ(outcome(api::check_access(kUsersRead, key_user(Scopes{"users:write"}), 0, false)),
            "API key lacks the required scope: users:read");
  EXPECT_EQ(outcome(api::check_access(kUsersRead, key_user(Scopes{}), 0, false)),
            "API key lacks the required scope: users:read");
}

TEST(ScopeRules, OwnerOrAdminRoutesNeedAdminWriteOnAnotherUser) {
  const auto writer = key_user(Scopes{"users:write"}, true);
  EXPECT_EQ(api::required_scope(kOwnerWrite, writer, kSelf), "users:write");
  EXPECT_EQ(api::required_scope(kOwnerWrite, writer, kOther), "admin:write");
  EXPECT_EQ(outcome(api::check_access(kOwnerWrite, writer, kSelf, false)), "ok");
  EXPECT_EQ(outcome(api::check_access(kOwnerWrite, writer, kOther, false)),
            "API key lacks the required scope: admin:write");
  EXPECT_EQ(
      outcome(api::check_access(kOwnerWrite, key_user(Scopes{"admin:write"}, true), kOther, false)),
      "ok");
}

TEST(ScopeRules, RoleComesBeforeTheSignedInRuleWhichComesBeforeTheScope) {
  // A non-admin on an admin route: Forbidden, whatever the key's scopes.
  EXPECT_EQ(outcome(api::check_access(kAdminWrite, key_user(Scopes{"users:read"}), 0, false)),
            "Forbidden");
  EXPECT_EQ(outcome(api::check_access(kAdminWrite, key_user(std::nullopt), 0, false)), "Forbidden")
      << "a key never grants more than its user has";
  EXPECT_EQ(outcome(api::check_access(kAdminWrite, key_user(std::nullopt), 0, true)), "Forbidden");
  // Not the owner and not an admin: Forbidden before anything else.
  EXPECT_EQ(outcome(api::check_access(kOwnerWrite, key_user(Scopes{"users:read"}), kOther, true)),
            "Forbidden");
  // The signed-in rule before the scope, for an admin acting on another user too.
  EXPECT_EQ(outcome(api::check_access(kOwnerWrite, key_user(Scopes{"users:read"}), kSelf, true)),
            "This action requires a signed-in user");
  EXPECT_EQ(outcome(api::check_access(kOwnerWrite, key_user(std::nullopt, true), kOther, true)),
            "This action requires a signed-in user");
  EXPECT_EQ(outcome(api::check_access(kSignedIn, key_user(std::nullopt), 0, true)),
            "This action requires a signed-in user");
  // The role check alone.
  EXPECT_EQ(outcome(api::check_role(kAdminWrite, token_user(), 0)), "Forbidden");
  EXPECT_EQ(outcome(api::check_role(kAdminWrite, token_user(true), 0)), "ok");
  EXPECT_EQ(outcome(api::check_role(kOwnerWrite, token_user(), kSelf)), "ok");
  EXPECT_EQ(outcome(api::check_role(kOwnerWrite, token_user(), kOther)), "Forbidden");
}

}  // namespace
}  // namespace gatehouse
