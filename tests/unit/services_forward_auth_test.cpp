// services/forward_auth.hpp: the X-Auth-Scopes list and the X-Auth-Require-* checks of
// GET /auth/check (docs/forward-auth.md).
#include <gtest/gtest.h>

#include "services/forward_auth.hpp"

namespace gatehouse::services {
namespace {

Principal user(bool admin = false) {
  Principal p;
  p.user.id = 7;
  p.user.email = "u@example.com";
  p.user.role = admin ? store::kRoleAdmin : store::kRoleUser;
  p.session_id = "0b7c0b8e-0000-4000-8000-000000000001";
  return p;
}

Principal key_of(Principal p, std::optional<std::vector<std::string>> scopes) {
  p.session_id.clear();
  p.api_key_id = "key-1";
  p.scopes = std::move(scopes);
  return p;
}

std::string header_of(const Principal& p) { return scope_header(effective_scopes(p)); }

std::string detail_of(const Status& s) { return s ? "" : s.error().public_message; }

ForwardRequirements needs(std::vector<std::string> roles, std::vector<std::string> scopes) {
  return {.roles = std::move(roles), .scopes = std::move(scopes)};
}

TEST(ForwardAuthScopes, UserHasTheSixNonAdminScopes) {
  EXPECT_EQ(header_of(user()),
            "users:read users:write api-keys:read api-keys:write sessions:read sessions:write");
}

TEST(ForwardAuthScopes, AdminHasAllEight) {
  EXPECT_EQ(header_of(user(true)),
            "users:read users:write admin:read admin:write api-keys:read api-keys:write "
            "sessions:read sessions:write");
}

TEST(ForwardAuthScopes, KeyWithoutListActsAsItsUser) {
  EXPECT_EQ(header_of(key_of(user(), std::nullopt)), header_of(user()));
  EXPECT_EQ(header_of(key_of(user(true), std::nullopt)), header_of(user(true)));
}

TEST(ForwardAuthScopes, KeyListInVocabularyOrderNeverMoreThanItsUser) {
  EXPECT_EQ(header_of(key_of(user(true), std::vector<std::string>{"sessions:read", "admin:read"})),
            "admin:read sessions:read");
  // The user was demoted after the key was made: its admin scope is gone with the role.
  EXPECT_EQ(header_of(key_of(user(), std::vector<std::string>{"admin:read", "users:read"})),
            "users:read");
  EXPECT_EQ(header_of(key_of(user(), std::vector<std::string>{})), "");
}

TEST(ForwardAuthRequirements, SplitOnSpacesAndCommas) {
  std::vector<std::string> out;
  add_requirement_entries("  users:read,admin:read , \tsessions:read ", out);
  add_requirement_entries("", out);
  add_requirement_entries(" , ", out);
  add_requirement_entries("admin", out);
  EXPECT_EQ(out, (std::vector<std::string>{"users:read", "admin:read", "sessions:read", "admin"}));
}

TEST(ForwardAuthRequirements, NoneAlwaysPasses) {
  const auto p = key_of(user(), std::vector<std::string>{});
  EXPECT_TRUE(check_requirements(p, effective_scopes(p), {}));
}

TEST(ForwardAuthRequirements, RoleAdminOnlyForAdmins) {
  const auto u = user();
  const auto s = check_requirements(u, effective_scopes(u), needs({"admin"}, {}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(detail_of(s), "This requires the role: admin");
  const auto a = user(true);
  EXPECT_TRUE(check_requirements(a, effective_scopes(a), needs({"admin"}, {})));
  // An admin holds the user role too.
  EXPECT_TRUE(check_requirements(a, effective_scopes(a), needs({"user"}, {})));
  EXPECT_TRUE(check_requirements(u, effective_scopes(u), needs({"user"}, {})));
}

TEST(ForwardAuthRequirements, ScopeOfAKeyList) {
  const auto k = key_of(user(), std::vector<std::string>{"users:read"});
  EXPECT_TRUE(check_requirements(k, effective_scopes(k), needs({}, {"users:read"})));
  const auto s =
      check_requirements(k, effective_scopes(k), needs({}, {"users:read", "users:write"}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInsufficientScope);
  EXPECT_EQ(detail_of(s), "API key lacks the required scope: users:write");
}

TEST(ForwardAuthRequirements, AdminScopeOfAUser) {
  const auto u = user();
  const auto s = check_requirements(u, effective_scopes(u), needs({}, {"admin:read"}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(detail_of(s), "This user lacks the required scope: admin:read");
  const auto a = user(true);
  EXPECT_TRUE(check_requirements(a, effective_scopes(a), needs({}, {"admin:read"})));
}

TEST(ForwardAuthRequirements, UnknownNamesAreRefusedEvenForAdmins) {
  const auto a = user(true);
  EXPECT_EQ(detail_of(check_requirements(a, effective_scopes(a), needs({"root"}, {}))),
            "Unknown role in X-Auth-Require-Role: 'root'");
  EXPECT_EQ(detail_of(check_requirements(a, effective_scopes(a), needs({}, {"users:*"}))),
            "Unknown scope in X-Auth-Require-Scope: 'users:*'");
  // Names are exact: no case folding.
  EXPECT_FALSE(check_requirements(a, effective_scopes(a), needs({"Admin"}, {})));
}

TEST(ForwardAuthRequirements, UnknownNameReportedBeforeAMissingRole) {
  const auto u = user();
  EXPECT_EQ(detail_of(check_requirements(u, effective_scopes(u), needs({"admin"}, {"nope"}))),
            "Unknown scope in X-Auth-Require-Scope: 'nope'");
}

TEST(ForwardAuthRequirements, AdminPowersAreTheAdminRoleOrAnAdminScope) {
  EXPECT_FALSE(requires_admin_powers({}));
  EXPECT_FALSE(requires_admin_powers({.roles = {"user"}, .scopes = {"users:read"}}));
  EXPECT_TRUE(requires_admin_powers({.roles = {"user", "admin"}}));
  EXPECT_TRUE(requires_admin_powers({.scopes = {"users:read", "admin:read"}}));
  EXPECT_TRUE(is_admin_scope("admin:write"));
  EXPECT_FALSE(is_admin_scope("users:write"));
}

}  // namespace
}  // namespace gatehouse::services
