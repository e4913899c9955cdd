// GET|HEAD|POST /auth/check, forward authentication for reverse proxies (docs/forward-auth.md,
// docs/http-api.md "Forward authentication"): the identity headers of a 204 for tokens and
// API keys, the 401s of every protected route, the X-Auth-Require-* 403s, and the
// caller's USER_RATE_LIMIT budget. The same route behind a real nginx:
// forward_auth_nginx_itest.cpp.
#include <gtest/gtest.h>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

constexpr const char* kCheck = "/auth/check";
constexpr const char* kUserScopes =
    "users:read users:write api-keys:read api-keys:write sessions:read sessions:write";
constexpr const char* kAdminScopes =
    "users:read users:write admin:read admin:write api-keys:read api-keys:write sessions:read "
    "sessions:write";

HttpClient client() { return HttpClient(shared_server().port()); }

Headers with_key(const std::string& key) { return {{"X-API-Key", key}}; }

Headers plus(Headers h, const std::string& name, const std::string& value) {
  h.emplace_back(name, value);
  return h;
}

std::string sid_of(const std::string& token) {
  const auto claims = jwt_payload(token);
  const auto* sid = claims.if_contains("sid");
  return sid && sid->is_string() ? std::string(sid->as_string()) : "";
}

struct Key {
  std::string id;
  std::string raw;
};

Key create_key(HttpClient& c, const TestUser& u, const json::object& body) {
  const auto r = c.request("POST", "/users/keys", u.auth(), to_json(body));
  if (r.status != 200) {
    ADD_FAILURE() << "create key answered " << r.status << ": " << r.body;
    return {};
  }
  const auto v = parse_json(r.body).as_object();
  return {std::string(v.at("id").as_string()), std::string(v.at("key").as_string())};
}

Key scoped_key(HttpClient& c, const TestUser& u, std::initializer_list<const char*> scopes) {
  json::array list;
  for (const char* s : scopes) list.emplace_back(s);
  return create_key(c, u, {{"name", "scoped"}, {"scopes", list}});
}

void expect_identity(const HttpResponse& r, const TestUser& u, const std::string& role,
                     const std::string& scopes, const std::string& what) {
  EXPECT_EQ(r.status, 204) << what << ": " << r.body;
  EXPECT_EQ(r.body, "") << what;
  EXPECT_EQ(r.header("X-Auth-User-Id"), std::to_string(u.id)) << what;
  EXPECT_EQ(r.header("X-Auth-Email"), u.email) << what;
  EXPECT_EQ(r.header("X-Auth-Role"), role) << what;
  EXPECT_EQ(r.header("X-Auth-Scopes"), scopes) << what;
  EXPECT_EQ(r.header("Cache-Control"), "no-store") << what;
}

void expect_refused(const HttpResponse& r, int status, const std::string& detail,
                    const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), detail) << what << ": " << r.body;
  EXPECT_EQ(r.header("Cache-Control"), "no-store") << what;
  EXPECT_FALSE(r.header("X-Auth-User-Id")) << what;
}

TEST(ForwardAuth, BearerTokenGetsTheIdentityAndItsSession) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "fwd-bearer");
  const auto r = c.get(kCheck, u.auth());
  expect_identity(r, u, "user", kUserScopes, "bearer");
  EXPECT_EQ(r.header("X-Auth-Session-Id"), sid_of(u.tokens.token));
  EXPECT_FALSE(sid_of(u.tokens.token).empty());
}

TEST(ForwardAuth, AdminTokenHasAllEightScopes) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "fwd-admin");
  expect_identity(c.get(kCheck, admin.auth()), admin, "admin", kAdminScopes, "admin");
  const auto r = c.get(kCheck, plus(admin.auth(), "X-Auth-Require-Role", "admin"));
  expect_identity(r, admin, "admin", kAdminScopes, "admin required");
  expect_identity(c.get(kCheck, plus(admin.auth(), "X-Auth-Require-Scope", "admin:write")), admin,
                  "admin", kAdminScopes, "admin:write required");
}

TEST(ForwardAuth, KeysGetTheirUsersOrTheirListsScopesAndNoSession) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "fwd-keys");
  const Key full = create_key(c, u, {{"name", "full"}});
  const auto r = c.get(kCheck, with_key(full.raw));
  expect_identity(r, u, "user", kUserScopes, "key without a list");
  EXPECT_FALSE(r.header("X-Auth-Session-Id"));
  const Key narrow = scoped_key(c, u, {"sessions:read", "users:read"});
  const auto n = c.get(kCheck, with_key(narrow.raw));
  expect_identity(n, u, "user", "users:read sessions:read", "key with a list");
  EXPECT_FALSE(n.header("X-Auth-Session-Id"));
  const Key none = scoped_key(c, u, {});
  expect_identity(c.get(kCheck, with_key(none.raw)), u, "user", "", "key with an empty list");
  // A key beside a valid token: the token's identity, as every route (docs/http-api.md §2).
  const auto both = c.get(kCheck, plus(u.auth(), "X-API-Key", narrow.raw));
  expect_identity(both, u, "user", kUserScopes, "token and key");
  EXPECT_EQ(both.header("X-Auth-Session-Id"), sid_of(u.tokens.token));
}

TEST(ForwardAuth, RefusesWhatEveryProtectedRouteRefuses) {
  auto& server = shared_server();
  auto c = client();
  const auto anonymous = c.get(kCheck);
  expect_refused(anonymous, 401, kNotAuthenticated, "anonymous");
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
  expect_refused(c.get(kCheck, bearer("not.a.token")), 401, kInvalidToken, "bad token");
  expect_refused(c.get(kCheck, with_key("pk_nope")), 401, "Invalid API key", "bad key");

  const TestUser u = verified_login(server, c, "fwd-refused");
  const Key key = create_key(c, u, {{"name", "soon off"}});
  ASSERT_EQ(c.request("PATCH", "/users/keys/" + key.id, u.auth(), R"({"is_active":false})").status,
            200);
  expect_refused(c.get(kCheck, with_key(key.raw)), 401, "API key is inactive", "inactive key");
  // A present invalid credential is a 401 even beside a valid one.
  expect_refused(c.get(kCheck, plus(u.auth(), "X-API-Key", key.raw)), 401, "API key is inactive",
                 "valid token, inactive key");

  // Logout revokes the session: the very next check refuses the token.
  ASSERT_EQ(c.get(kCheck, u.auth()).status, 204);
  ASSERT_EQ(c.request("POST", "/logout/", u.auth()).status, 204);
  expect_refused(c.get(kCheck, u.auth()), 401, kInvalidToken, "revoked session");
}

TEST(ForwardAuth, RequireHeadersAnswer403WithAClearDetail) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "fwd-require");
  expect_refused(c.get(kCheck, plus(u.auth(), "X-Auth-Require-Role", "admin")), 403,
                 "This requires the role: admin", "user on an admin area");
  expect_refused(c.get(kCheck, plus(u.auth(), "X-Auth-Require-Scope", "admin:read")), 403,
                 "This user lacks the required scope: admin:read", "user, admin scope");
  expect_identity(c.get(kCheck, plus(u.auth(), "X-Auth-Require-Role", "user")), u, "user",
                  kUserScopes, "user role");
  expect_identity(
      c.get(kCheck, plus(u.auth(), "X-Auth-Require-Scope", "users:read, sessions:read")), u, "user",
      kUserScopes, "two scopes held");

  const Key narrow = scoped_key(c, u, {"users:read"});
  expect_identity(c.get(kCheck, plus(with_key(narrow.raw), "X-Auth-Require-Scope", "users:read")),
                  u, "user", "users:read", "scope in the key's list");
  expect_refused(c.get(kCheck, plus(with_key(narrow.raw), "X-Auth-Require-Scope", "users:write")),
                 403, "API key lacks the required scope: users:write", "scope not in the list");
  // A second header only adds a requirement.
  Headers twice = plus(with_key(narrow.raw), "X-Auth-Require-Scope", "users:read");
  twice.emplace_back("X-Auth-Require-Scope", "sessions:write");
  expect_refused(c.get(kCheck, twice), 403, "API key lacks the required scope: sessions:write",
                 "two headers");

  // A name Gatehouse does not know is a proxy misconfiguration: refused, never ignored.
  expect_refused(c.get(kCheck, plus(u.auth(), "X-Auth-Require-Role", "superuser")), 403,
                 "Unknown role in X-Auth-Require-Role: 'superuser'", "unknown role");
  expect_refused(c.get(kCheck, plus(u.auth(), "X-Auth-Require-Scope", "users:all")), 403,
                 "Unknown scope in X-Auth-Require-Scope: 'users:all'", "unknown scope");
  // Authentication comes first: no credential is a 401 whatever is required.
  expect_refused(c.get(kCheck, {{"X-Auth-Require-Role", "admin"}}), 401, kNotAuthenticated,
                 "anonymous with a requirement");
}

TEST(ForwardAuth, HeadAndPostAnswerAsGet) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "fwd-methods");
  // nginx's auth_request asks with the client's method, whatever it is.
  for (const char* method : {"HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
    const auto ok = c.request(method, kCheck, u.auth());
    expect_identity(ok, u, "user", kUserScopes, method);
    EXPECT_EQ(ok.header("X-Auth-Session-Id"), sid_of(u.tokens.token)) << method;
    const auto anonymous = c.request(method, kCheck);
    EXPECT_EQ(anonymous.status, 401) << method;
    EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer") << method;
    EXPECT_EQ(anonymous.header("Cache-Control"), "no-store") << method;
    const auto forbidden =
        c.request(method, kCheck, plus(u.auth(), "X-Auth-Require-Role", "admin"));
    EXPECT_EQ(forbidden.status, 403) << method;
  }
  // A HEAD answer has no body: the next answer on the kept-alive connection reads cleanly.
  const auto head = c.request("HEAD", kCheck);
  EXPECT_EQ(head.body, "");
  EXPECT_NE(head.header("Content-Length"), std::optional<std::string>("0"));
  expect_identity(c.get(kCheck, u.auth()), u, "user", kUserScopes, "GET after HEAD");
  // A body (a proxy that forgot proxy_pass_request_body off) changes nothing.
  expect_identity(c.request("POST", kCheck, u.auth(), R"({"user_id": 1})"), u, "user", kUserScopes,
                  "POST with a body");
}

TEST(ForwardAuth, ForgedIdentityHeadersNeverChangeTheAnswer) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "fwd-forged");
  const Headers forged = {{"X-Auth-User-Id", "1"},
                          {"X-Auth-Email", "root@example.com"},
                          {"X-Auth-Role", "admin"},
                          {"X-Auth-Scopes", "admin:read admin:write"},
                          {"X-Auth-Session-Id", "00000000-0000-0000-0000-000000000000"}};
  Headers as_user = u.auth();
  as_user.insert(as_user.end(), forged.begin(), forged.end());
  const auto r = c.get(kCheck, as_user);
  expect_identity(r, u, "user", kUserScopes, "forged headers beside a token");
  EXPECT_EQ(r.header("X-Auth-Session-Id"), sid_of(u.tokens.token));
  expect_refused(c.get(kCheck, plus(as_user, "X-Auth-Require-Role", "admin")), 403,
                 "This requires the role: admin", "forged role");
  expect_refused(c.get(kCheck, forged), 401, kNotAuthenticated, "forged headers alone");
}

TEST(ForwardAuth, TrailingSlashRedirectsLikeEveryRoute) {
  auto c = client();
  const auto r = c.get("/auth/check/");
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("Location"), "/auth/check");
}

// Not limited per route, but every check is an authenticated request: it spends the
// caller's USER_RATE_LIMIT like GET /users/me (docs/http-api.md §9).
TEST(ForwardAuth, CountsTowardTheCallersBudget) {
  GatehouseProcess server({{"RATE_LIMIT_ENABLED", "true"}, {"USER_RATE_LIMIT", "3/minute"}});
  server.start();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c, "fwd-budget");
  const auto first = c.get(kCheck, u.auth());
  EXPECT_EQ(first.status, 204);
  EXPECT_EQ(first.header("RateLimit-Limit"), "3");
  EXPECT_EQ(first.header("RateLimit-Remaining"), "2");
  EXPECT_EQ(c.get("/users/me", u.auth()).status, 200);
  EXPECT_EQ(c.request("HEAD", kCheck, u.auth()).status, 204);
  const auto over = c.get(kCheck, u.auth());
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_TRUE(over.header("Retry-After"));
  EXPECT_EQ(over.header("Cache-Control"), "no-store");
  // Anonymous checks spend no one's budget: still the 401.
  EXPECT_EQ(c.get(kCheck).status, 401);
}

// An area that requires the admin role is an admin route: MFA_REQUIRED_FOR_ADMINS applies.
TEST(ForwardAuth, RequiringAdminAppliesTheSecondFactorRule) {
  GatehouseProcess server({{"MFA_REQUIRED_FOR_ADMINS", "true"}});
  server.start();
  HttpClient c(server.port());
  const TestUser admin = make_admin(server, c, "fwd-mfa-admin");
  // Without TOTP an admin has no admin powers behind the proxy: presented as a user...
  expect_identity(c.get(kCheck, admin.auth()), admin, "user", kUserScopes, "no requirement");
  expect_identity(c.get(kCheck, plus(admin.auth(), "X-Auth-Require-Scope", "users:read")), admin,
                  "user", kUserScopes, "a user's scope");
  // ...and an area that needs them, by role or by an admin:* scope, is refused.
  expect_refused(c.get(kCheck, plus(admin.auth(), "X-Auth-Require-Role", "admin")), 403,
                 "Two-factor authentication is required for admin access", "admin without TOTP");
  expect_refused(c.get(kCheck, plus(admin.auth(), "X-Auth-Require-Scope", "admin:write")), 403,
                 "Two-factor authentication is required for admin access", "admin:write scope");
}

TEST(ForwardAuth, UnderApiRoot) {
  GatehouseProcess server({{"API_ROOT", "/api/v1"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/api/v1/auth/check").status, 401);
  EXPECT_EQ(c.get(kCheck).status, 404);
}

}  // namespace
}  // namespace gatehouse::testing
