// API keys over HTTP, on both backends (docs/http-api.md §2 "Authentication": "API keys" and
// "Scopes", §7 "API key routes"; docs/api-keys.md): the /users/keys
// routes, X-API-Key authentication, scope enforcement and the `apikey` CLI.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <ctime>
#include <random>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

constexpr const char* kKeyNotFound = "API key not found";
constexpr const char* kInvalidKey = "Invalid API key";
constexpr const char* kSignedIn = "This action requires a signed-in user";

HttpClient client() { return HttpClient(shared_server().port()); }

Headers with_key(const std::string& key) { return {{"X-API-Key", key}}; }

std::string lacks(const std::string& scope) { return "API key lacks the required scope: " + scope; }

void expect_detail(const HttpResponse& r, int status, const std::string& detail,
                   const std::string& what = "") {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), detail) << what << ": " << r.body;
}

// The first entry of a 422 list: {type, loc (as JSON text), msg}.
struct FirstError {
  std::string type;
  std::string loc;
  std::string msg;
};
FirstError first_error(const HttpResponse& r) {
  const auto v = parse_json(r.body);
  if (!v.is_object() || !v.as_object().contains("detail")) return {};
  const auto& d = v.as_object().at("detail");
  if (!d.is_array() || d.as_array().empty()) return {};
  const auto& e = d.as_array()[0].as_object();
  return {std::string(e.at("type").as_string()), to_json(e.at("loc")),
          std::string(e.at("msg").as_string())};
}

struct Key {
  std::string id;
  std::string raw;
  json::object body;
};

HttpResponse post_key(HttpClient& c, const Headers& auth, const json::object& body) {
  return c.request("POST", "/users/keys", auth, to_json(body));
}

// Creates a key over HTTP as `u` (signed in); a failed assertion and an empty Key otherwise.
Key create_key(HttpClient& c, const TestUser& u, json::object body = {{"name", "test key"}}) {
  const auto r = post_key(c, u.auth(), body);
  if (r.status != 200) {
    ADD_FAILURE() << "create key answered " << r.status << ": " << r.body;
    return {};
  }
  const auto v = parse_json(r.body).as_object();
  return {std::string(v.at("id").as_string()), std::string(v.at("key").as_string()), v};
}

Key create_scoped(HttpClient& c, const TestUser& u, std::initializer_list<const char*> scopes) {
  json::array list;
  for (const char* s : scopes) list.emplace_back(s);
  return create_key(c, u, {{"name", "scoped"}, {"scopes", list}});
}

json::array key_list(const HttpResponse& r) {
  const auto v = parse_json(r.body);
  return v.is_array() ? v.as_array() : json::array{};
}

std::size_t key_count(HttpClient& c, const TestUser& u) {
  return key_list(c.get("/users/keys", u.auth())).size();
}

// The stored key row as the owner sees it (never with the key).
json::object key_as_owner(HttpClient& c, const TestUser& u, const std::string& id) {
  const auto r = c.get("/users/keys/" + id, u.auth());
  EXPECT_EQ(r.status, 200) << r.body;
  const auto v = parse_json(r.body);
  return v.is_object() ? v.as_object() : json::object{};
}

// ISO-8601 UTC (seconds, 'Z') of now + `from_now`.
std::string iso_in(std::chrono::seconds from_now) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---------------------------------------------------------------- the Python template's keys

std::string random_bytes(std::size_t n) {
  std::random_device rd;
  std::string out(n, '\0');
  for (auto& ch : out) ch = static_cast<char>(rd() & 0xFF);
  return out;
}

// secrets.token_urlsafe(32) with the template's prefix, and its stored value
// hmac.new(SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest(), computed here
// with OpenSSL rather than with Gatehouse's own code.
std::string python_template_key() {
  std::string b64 = base64url_encode(random_bytes(32));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "pk_" + b64;
}

std::string python_template_hash(const std::string& secret, const std::string& key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(key.data()), key.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xF];
  }
  return out;
}

std::string random_uuid() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

// ================================================================ reference routes

TEST(ApiKeys, CreateShowsTheKeyOnceWithTheRealCreationTime) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keycreate");
  const std::string before = iso_in(-std::chrono::seconds(2));

  const auto r = post_key(c, u.auth(), {{"name", "ci"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  const auto v = parse_json(r.body).as_object();
  EXPECT_EQ(keys_of(json::value(v)),
            (std::vector<std::string>{"id", "name", "created_at", "is_active", "last_used_at",
                                      "scopes", "expires_at", "key"}));
  const std::string raw(v.at("key").as_string());
  EXPECT_EQ(raw.size(), 46u) << "pk_ + 43 base64url characters";
  EXPECT_EQ(raw.rfind("pk_", 0), 0u);
  EXPECT_EQ(v.at("name"), "ci");
  EXPECT_EQ(v.at("is_active"), true);
  EXPECT_TRUE(v.at("last_used_at").is_null());
  EXPECT_TRUE(v.at("scopes").is_null());
  EXPECT_TRUE(v.at("expires_at").is_null());

  // created_at is the time of creation (the reference freezes it at process start).
  const std::string created(v.at("created_at").as_string());
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_GE(created, before.substr(0, 19)) << created;
  EXPECT_LE(created, iso_in(std::chrono::seconds(2))) << created;
  const Key second = create_key(c, u, {{"name", "ci"}});
  EXPECT_GT(std::string(second.body.at("created_at").as_string()), created)
      << "each key has its own creation time; names need not be unique";

  // Listed and read without the key, ever.
  const auto list = c.get("/users/keys", u.auth());
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.header("Cache-Control"), "no-store");
  ASSERT_EQ(key_list(list).size(), 2u);
  for (const auto& k : key_list(list)) {
    EXPECT_EQ(keys_of(k), (std::vector<std::string>{"id", "name", "created_at", "is_active",
                                                    "last_used_at", "scopes", "expires_at"}));
  }
  EXPECT_EQ(list.body.find(raw), std::string::npos);
  const auto one = c.get("/users/keys/" + std::string(v.at("id").as_string()), u.auth());
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_FALSE(parse_json(one.body).as_object().contains("key"));
  EXPECT_EQ(one.body.find(raw), std::string::npos);

  // The stored value is the HMAC, never the key.
  const std::string stored = query_scalar(
      server, "SELECT key FROM api_keys WHERE id = '" + std::string(v.at("id").as_string()) + "'");
  EXPECT_EQ(stored, python_template_hash(server.env().at("SECRET_KEY"), raw));
}

TEST(ApiKeys, CreateWithScopesAndExpiry) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keyscopes");
  const std::string expires = iso_in(std::chrono::hours(24));
  const auto r = post_key(c, u.auth(),
                          {{"name", "reader"},
                           {"scopes", json::array{"users:read", "sessions:read", "users:read"}},
                           {"expires_at", expires}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto v = parse_json(r.body).as_object();
  EXPECT_EQ(v.at("scopes"), (json::array{"users:read", "sessions:read"}))
      << "a repeated scope is stored once";
  EXPECT_EQ(std::string(v.at("expires_at").as_string()).substr(0, 19), expires.substr(0, 19));
  // An offset is accepted and stored in UTC; an empty list is a key for no protected route.
  const auto offset = post_key(
      c, u.auth(),
      {{"name", "offset"}, {"scopes", json::array{}}, {"expires_at", "2999-01-01T02:00:00+02:00"}});
  ASSERT_EQ(offset.status, 200) << offset.body;
  const auto ov = parse_json(offset.body).as_object();
  EXPECT_EQ(ov.at("expires_at"), "2999-01-01T00:00:00.000000Z");
  EXPECT_EQ(ov.at("scopes"), json::array{});
  expect_detail(c.get("/users/me", with_key(std::string(ov.at("key").as_string()))), 403,
                lacks("users:read"));
}

TEST(ApiKeys, BadCreateInputIsA422AndCreatesNothing) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keybad");
  struct Case {
    json::object body;
    std::string type;
    std::string loc;
    std::string msg;  // "" = not checked
  };
  const std::vector<Case> cases = {
      {{}, "missing", R"(["body","name"])", "Field required"},
      {{{"name", ""}},
       "string_too_short",
       R"(["body","name"])",
       "String should have at least 1 character"},
      {{{"name", std::string(51, 'n')}},
       "string_too_long",
       R"(["body","name"])",
       "String should have at most 50 characters"},
      {{{"name", 5}}, "string_type", R"(["body","name"])", "Input should be a valid string"},
      {{{"name", "k"}, {"scopes", "invalid"}},
       "list_type",
       R"(["body","scopes"])",
       "Input should be a valid list"},
      {{{"name", "k"}, {"scopes", json::array{"users:read", 7}}},
       "string_type",
       R"(["body","scopes",1])",
       "Input should be a valid string"},
      {{{"name", "k"}, {"scopes", json::array{"users:read", "users:delete"}}},
       "value_error",
       R"(["body","scopes"])",
       "Value error, Unknown scope 'users:delete'. Valid scopes: users:read, users:write, "
       "admin:read, admin:write, api-keys:read, api-keys:write, sessions:read, sessions:write"},
      {{{"name", "k"}, {"scopes", json::array{"admin:read"}}},
       "value_error",
       R"(["body","scopes"])",
       "Value error, Scope 'admin:read' requires an admin user"},
      {{{"name", "k"}, {"expires_at", iso_in(-std::chrono::seconds(60))}},
       "value_error",
       R"(["body","expires_at"])",
       "Value error, expires_at must be in the future"},
      {{{"name", "k"}, {"expires_at", "tomorrow"}},
       "value_error",
       R"(["body","expires_at"])",
       "Value error, expires_at must be an ISO-8601 date and time with a time zone"},
      {{{"name", "k"}, {"expires_at", "2999-01-01T00:00:00"}},
       "value_error",
       R"(["body","expires_at"])",
       ""},
      // PostgreSQL would keep only "a" of this name, SQLite all of it: refused on both.
      {{{"name", std::string("a\0b", 3)}},
       "value_error",
       R"(["body","name"])",
       "Value error, String must not contain NUL characters"},
  };
  for (const auto& tc : cases) {
    const auto r = post_key(c, u.auth(), tc.body);
    const std::string what = to_json(tc.body);
    ASSERT_EQ(r.status, 422) << what << ": " << r.body;
    const auto e = first_error(r);
    EXPECT_EQ(e.type, tc.type) << what;
    EXPECT_EQ(e.loc, tc.loc) << what;
    if (!tc.msg.empty()) {
      EXPECT_EQ(e.msg, tc.msg) << what;
    }
  }
  const auto malformed = c.request("POST", "/users/keys", u.auth(), R"({"name": "broken",)");
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(first_error(malformed).type, "json_invalid");
  EXPECT_EQ(key_count(c, u), 0u) << "no rejected request created a key";
  EXPECT_EQ(
      query_scalar(server, "SELECT COUNT(*) FROM api_keys WHERE user_id = " + std::to_string(u.id)),
      "0");
}

TEST(ApiKeys, RoutesNeedAuthenticationAndTheReferenceSlashes) {
  auto c = client();
  const std::string some = "/users/keys/" + random_uuid();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/users/keys"},
           {"GET", "/users/keys"},
           {"GET", some},
           {"PATCH", some},
           {"DELETE", some},
           {"GET", "/users/keys/by-user/1"},
           {"PATCH", "/users/keys/by-user/1/" + random_uuid()},
           {"DELETE", "/users/keys/by-user/1/" + random_uuid()}}) {
    const auto r = c.request(method, path, {}, method == "GET" || method == "DELETE" ? "" : "{}");
    expect_detail(r, 401, kNotAuthenticated, method + " " + path);
    EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
  }
  const auto slash = c.request("POST", "/users/keys/", {}, R"({"name":"x"})");
  EXPECT_EQ(slash.status, 307);
  EXPECT_EQ(slash.header("Location"), "/users/keys");
}

TEST(ApiKeys, OnlyTheOwnerSeesUpdatesOrDeletesAKey) {
  auto& server = shared_server();
  auto c = client();
  const TestUser owner = verified_login(server, c, "keyowner");
  const TestUser other = verified_login(server, c, "keyother");
  const TestUser admin = make_admin(server, c, "keyadminpeek");
  const Key k = create_key(c, owner, {{"name", "mine"}});
  const std::string path = "/users/keys/" + k.id;

  for (const TestUser* stranger : {&other, &admin}) {
    expect_detail(c.get(path, stranger->auth()), 404, kKeyNotFound, "get as " + stranger->email);
    expect_detail(c.request("PATCH", path, stranger->auth(), R"({"name":"stolen"})"), 404,
                  kKeyNotFound, "patch as " + stranger->email);
    expect_detail(c.request("PATCH", path, stranger->auth(), "{}"), 404, kKeyNotFound,
                  "404 comes before the empty-update 422");
    expect_detail(c.request("DELETE", path, stranger->auth()), 404, kKeyNotFound);
    EXPECT_EQ(key_list(c.get("/users/keys", stranger->auth())).size(), 0u);
  }
  const std::string unknown = "/users/keys/" + random_uuid();
  expect_detail(c.get(unknown, owner.auth()), 404, kKeyNotFound);
  expect_detail(c.request("DELETE", unknown, owner.auth()), 404, kKeyNotFound);
  const auto not_uuid = c.get("/users/keys/not-a-uuid", owner.auth());
  EXPECT_EQ(not_uuid.status, 422);
  EXPECT_EQ(first_error(not_uuid).type, "uuid_parsing");
  EXPECT_EQ(first_error(c.get("/users/keys/sessions", owner.auth())).type, "uuid_parsing")
      << "the key route, not /users/{user_id}/sessions";

  const auto mine = key_as_owner(c, owner, k.id);
  EXPECT_EQ(mine.at("name"), "mine") << "nothing changed";
  EXPECT_EQ(mine.at("is_active"), true);
  EXPECT_EQ(c.get("/users/me", with_key(k.raw)).status, 200) << "still works";
}

TEST(ApiKeys, PatchFollowsTheReferenceRules) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keypatch");
  const Key k = create_key(c, u, {{"name", "before"}});
  const std::string path = "/users/keys/" + k.id;

  for (const char* empty : {"{}", R"({"name":null,"is_active":null})"}) {
    expect_detail(c.request("PATCH", path, u.auth(), empty), 422,
                  "At least one field must be provided for update", empty);
  }
  for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
           {R"({"name":""})", "string_too_short"},
           {R"({"name":")" + std::string(51, 'x') + R"("})", "string_too_long"},
           {R"({"is_active":"maybe"})", "bool_parsing"},
           {R"({"is_active":2})", "bool_parsing"},
           {R"({"is_active":[]})", "bool_type"},
           {R"({"name":5})", "string_type"}}) {
    const auto r = c.request("PATCH", path, u.auth(), body);
    EXPECT_EQ(r.status, 422) << body << ": " << r.body;
    EXPECT_EQ(first_error(r).type, type) << body;
  }
  EXPECT_EQ(key_as_owner(c, u, k.id).at("name"), "before") << "no bad input changed the key";

  const auto renamed = c.request("PATCH", path, u.auth(), R"({"name":"after"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(parse_json(renamed.body).at("name"), "after");
  EXPECT_EQ(parse_json(renamed.body).at("is_active"), true);
  EXPECT_FALSE(parse_json(renamed.body).as_object().contains("key"));
  const auto off = c.request("PATCH", path, u.auth(), R"({"is_active":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(parse_json(off.body).at("is_active"), false);
  EXPECT_EQ(parse_json(off.body).at("name"), "after");
  EXPECT_EQ(parse_json(off.body).at("created_at"), k.body.at("created_at"));
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, "API key is inactive");
  ASSERT_EQ(c.request("PATCH", path, u.auth(), R"({"is_active":true})").status, 200);
  EXPECT_EQ(c.get("/users/me", with_key(k.raw)).status, 200) << "reactivated";
  // is_active is read as pydantic's lax bool: "false", "off", 0 and 1 are booleans too.
  for (const auto& [body, active] :
       std::vector<std::pair<std::string, bool>>{{R"({"is_active":"false"})", false},
                                                 {R"({"is_active":1})", true},
                                                 {R"({"is_active":"OFF"})", false},
                                                 {R"({"is_active":"yes"})", true}}) {
    const auto r = c.request("PATCH", path, u.auth(), body);
    ASSERT_EQ(r.status, 200) << body << ": " << r.body;
    EXPECT_EQ(parse_json(r.body).at("is_active"), active) << body;
  }
}

TEST(ApiKeys, DeleteRemovesTheKeyForGood) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keydelete");
  const Key k = create_key(c, u);
  const Key kept = create_key(c, u, {{"name", "kept"}});
  const auto r = c.request("DELETE", "/users/keys/" + k.id, u.auth());
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  expect_detail(c.get("/users/keys/" + k.id, u.auth()), 404, kKeyNotFound);
  expect_detail(c.request("DELETE", "/users/keys/" + k.id, u.auth()), 404, kKeyNotFound);
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, kInvalidKey);
  ASSERT_EQ(key_list(c.get("/users/keys", u.auth())).size(), 1u);
  EXPECT_EQ(c.get("/users/me", with_key(kept.raw)).status, 200);
}

TEST(ApiKeys, AdminManagesAnotherUsersKeysByUser) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "keyadmin");
  const TestUser u = verified_login(server, c, "keymanaged");
  const TestUser other = verified_login(server, c, "keybystander");
  const Key k = create_key(c, u, {{"name", "managed"}});
  const std::string by_user = "/users/keys/by-user/" + std::to_string(u.id);

  const auto list = c.get(by_user, admin.auth());
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(key_list(list).size(), 1u);
  EXPECT_EQ(key_list(list)[0].at("id"), json::value(k.id));
  EXPECT_EQ(list.body.find(k.raw), std::string::npos);
  const auto nobody = c.get("/users/keys/by-user/99999999", admin.auth());
  EXPECT_EQ(nobody.status, 200);
  EXPECT_EQ(nobody.body, "[]") << "as the reference: an unknown user has no keys";
  EXPECT_EQ(c.get("/users/keys/by-user/abc", admin.auth()).status, 422);

  // Non-admins are refused, the owner included.
  for (const TestUser* caller : {&u, &other}) {
    expect_detail(c.get(by_user, caller->auth()), 403, "Forbidden");
    expect_detail(c.request("PATCH", by_user + "/" + k.id, caller->auth(), R"({"name":"x"})"), 403,
                  "Forbidden");
    expect_detail(c.request("DELETE", by_user + "/" + k.id, caller->auth()), 403, "Forbidden");
  }
  // The path's user must own the key.
  const std::string wrong_user = "/users/keys/by-user/" + std::to_string(other.id) + "/" + k.id;
  expect_detail(c.request("PATCH", wrong_user, admin.auth(), R"({"name":"x"})"), 404, kKeyNotFound);
  expect_detail(c.request("DELETE", wrong_user, admin.auth()), 404, kKeyNotFound);
  expect_detail(c.request("PATCH", by_user + "/" + k.id, admin.auth(), "{}"), 422,
                "At least one field must be provided for update");
  EXPECT_EQ(key_as_owner(c, u, k.id).at("name"), "managed") << "nothing changed";

  const auto off = c.request("PATCH", by_user + "/" + k.id, admin.auth(), R"({"is_active":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(parse_json(off.body).at("is_active"), false);
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, "API key is inactive");
  EXPECT_EQ(c.request("DELETE", by_user + "/" + k.id, admin.auth()).status, 204);
  EXPECT_EQ(c.get(by_user, admin.auth()).body, "[]");
}

// ================================================================ X-API-Key authentication

TEST(ApiKeyAuth, AKeyActsAsItsUser) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keyauth");
  const Key k = create_key(c, u);
  const auto r = c.get("/users/me", with_key(k.raw));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_json(r.body).at("email"), json::value(u.email));
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  // An empty header is no credential at all.
  const auto empty = c.get("/users/me", {{"X-API-Key", ""}});
  expect_detail(empty, 401, kNotAuthenticated);
  EXPECT_EQ(empty.header("WWW-Authenticate"), "Bearer");
}

TEST(ApiKeyAuth, WrongPrefixesAndUnknownKeysAreTheSameInvalidKey) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keyprefix");
  const Key k = create_key(c, u);
  const std::string tail = k.raw.substr(3);
  for (const std::string& bad :
       {"PK_" + tail, "xx_" + tail, tail, std::string("pk"), std::string("pk_"), "pk_" + tail + "x",
        "pk_" + random_hex(21), k.raw.substr(0, k.raw.size() - 1)}) {
    const auto r = c.get("/users/me", with_key(bad));
    expect_detail(r, 401, kInvalidKey, bad);
    EXPECT_FALSE(r.header("WWW-Authenticate").has_value()) << "only 'no credential' challenges";
  }
}

TEST(ApiKeyAuth, ExpiredAndInactiveKeysAreRefusedByName) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keyexpiry");
  const Key expiring =
      create_key(c, u, {{"name", "soon"}, {"expires_at", iso_in(std::chrono::hours(1))}});
  EXPECT_EQ(c.get("/users/me", with_key(expiring.raw)).status, 200) << "not expired yet";
  exec_sql(server, "UPDATE api_keys SET expires_at = '2001-02-03T04:05:06.000000Z' WHERE id = '" +
                       expiring.id + "'");
  expect_detail(c.get("/users/me", with_key(expiring.raw)), 401, "API key has expired");
  EXPECT_EQ(key_as_owner(c, u, expiring.id).at("expires_at"), "2001-02-03T04:05:06.000000Z");

  const Key inactive = create_key(c, u, {{"name", "off"}});
  exec_sql(server, "UPDATE api_keys SET is_active = false WHERE id = '" + inactive.id + "'");
  expect_detail(c.get("/users/me", with_key(inactive.raw)), 401, "API key is inactive");
  // Inactive is reported before expired (the reference's order, then ours).
  exec_sql(server, "UPDATE api_keys SET expires_at = '2001-02-03T04:05:06.000000Z' WHERE id = '" +
                       inactive.id + "'");
  expect_detail(c.get("/users/me", with_key(inactive.raw)), 401, "API key is inactive");
}

TEST(ApiKeyAuth, AKeyMadeByThePythonTemplateAuthenticates) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keyimported");
  const std::string key = python_template_key();
  const std::string id = random_uuid();
  exec_sql(server, "INSERT INTO api_keys (id, user_id, key, name) VALUES ('" + id + "', " +
                       std::to_string(u.id) + ", '" +
                       python_template_hash(server.env().at("SECRET_KEY"), key) + "', 'imported')");
  const auto r = c.get("/users/me", with_key(key));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_json(r.body).at("email"), json::value(u.email));
  const auto listed = key_list(c.get("/users/keys", u.auth()));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("id"), json::value(id));
  EXPECT_EQ(listed[0].at("is_active"), true);
  EXPECT_TRUE(listed[0].at("expires_at").is_null());
  EXPECT_FALSE(listed[0].at("last_used_at").is_null()) << "the use was recorded";
}

TEST(ApiKeyAuth, BearerAndKeyTogether) {
  auto& server = shared_server();
  auto c = client();
  const TestUser a = verified_login(server, c, "keyboth");
  const TestUser b = verified_login(server, c, "keybothother");
  const Key bk = create_key(c, b);
  // Both valid: the token's identity.
  Headers both = a.auth();
  both.emplace_back("X-API-Key", bk.raw);
  const auto r = c.get("/users/me", both);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_json(r.body).at("email"), json::value(a.email));
  // A present invalid credential is a 401 whatever the other one is.
  Headers bad_key = a.auth();
  bad_key.emplace_back("X-API-Key", "pk_" + random_hex(20));
  expect_detail(c.get("/users/me", bad_key), 401, kInvalidKey);
  Headers bad_token = bearer("not.a.token");
  bad_token.emplace_back("X-API-Key", bk.raw);
  expect_detail(c.get("/users/me", bad_token), 401, kInvalidToken);
  // A valid key next to a token of an admin does not lower the admin's rights, and a key
  // never lends its scopes to a token.
  const Key narrow = create_scoped(c, b, {"users:read"});
  Headers token_and_narrow = a.auth();
  token_and_narrow.emplace_back("X-API-Key", narrow.raw);
  EXPECT_EQ(c.get("/users/me/sessions", token_and_narrow).status, 200)
      << "the token's identity has no scope limits";
}

TEST(ApiKeyAuth, KeysOfBannedUnverifiedOrDeletedUsersStopAtOnce) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "keybanadmin");
  const TestUser u = verified_login(server, c, "keybanned");
  const Key k = create_key(c, u);
  const std::string user = "/users/" + std::to_string(u.id);
  ASSERT_EQ(c.get("/users/me", with_key(k.raw)).status, 200);

  ASSERT_EQ(c.request("POST", user + "/ban", admin.auth()).status, 204);
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, kInvalidKey, "banned");
  ASSERT_EQ(c.request("POST", user + "/unban", admin.auth()).status, 204);
  EXPECT_EQ(c.get("/users/me", with_key(k.raw)).status, 200) << "unbanned: the key works again";

  // A time-limited ban stops the key until it ends.
  ASSERT_EQ(c.request("POST", user + "/ban", admin.auth(),
                      to_json(json::object{{"until", iso_in(std::chrono::hours(1))}}))
                .status,
            204);
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, kInvalidKey, "time-limited ban");
  exec_sql(server, "UPDATE users SET banned_until = '2001-01-01T00:00:00.000000Z' WHERE id = " +
                       std::to_string(u.id));
  EXPECT_EQ(c.get("/users/me", with_key(k.raw)).status, 200) << "the ban has ended";

  // Unverified (e.g. after an email change).
  exec_sql(server, "UPDATE users SET verified = false WHERE id = " + std::to_string(u.id));
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, kInvalidKey, "unverified");
  exec_sql(server, "UPDATE users SET verified = true WHERE id = " + std::to_string(u.id));
  ASSERT_EQ(c.get("/users/me", with_key(k.raw)).status, 200);

  ASSERT_EQ(c.request("DELETE", user, admin.auth()).status, 204);
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, kInvalidKey, "deleted");
}

TEST(ApiKeyAuth, LastUsedAtIsWrittenAtMostOncePerMinute) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "keylastused");
  const Key k = create_key(c, u);
  EXPECT_TRUE(key_as_owner(c, u, k.id).at("last_used_at").is_null());
  ASSERT_EQ(c.get("/users/me", with_key(k.raw)).status, 200);
  const auto first = key_as_owner(c, u, k.id).at("last_used_at");
  ASSERT_TRUE(first.is_string()) << "the first use is recorded";
  ASSERT_EQ(c.get("/users/me", with_key(k.raw)).status, 200);
  ASSERT_EQ(c.get("/users/keys", with_key(k.raw)).status, 200);
  EXPECT_EQ(key_as_owner(c, u, k.id).at("last_used_at"), first)
      << "uses within a minute of the last write do not write again";

  // A key last used more than a minute ago gets one new write, then no more.
  const Key old = create_key(c, u, {{"name", "old"}});
  exec_sql(server, "UPDATE api_keys SET last_used_at = '2001-01-01T00:00:00.000000Z' WHERE id = '" +
                       old.id + "'");
  ASSERT_EQ(c.get("/users/me", with_key(old.raw)).status, 200);
  const auto refreshed = key_as_owner(c, u, old.id).at("last_used_at");
  ASSERT_TRUE(refreshed.is_string());
  EXPECT_GT(std::string(refreshed.as_string()), "2026-") << refreshed;
  ASSERT_EQ(c.get("/users/me", with_key(old.raw)).status, 200);
  EXPECT_EQ(key_as_owner(c, u, old.id).at("last_used_at"), refreshed);
}

// ================================================================ scopes are enforced

// Every admin route, with the scope it needs (docs/api-keys.md).
std::vector<std::tuple<std::string, std::string, std::string, std::string>> admin_routes(
    std::int64_t target, const std::string& key_id) {
  const std::string t = "/users/" + std::to_string(target);
  const std::string by = "/users/keys/by-user/" + std::to_string(target);
  return {
      {"GET", "/users/", "", "admin:read"},
      {"GET", "/users/?user_id=" + std::to_string(target), "", "admin:read"},
      {"GET", "/users/search?search_term=x", "", "admin:read"},
      {"POST", t + "/make-admin", "", "admin:write"},
      {"POST", t + "/remove-admin", "", "admin:write"},
      {"POST", t + "/ban", "", "admin:write"},
      {"POST", t + "/unban", "", "admin:write"},
      {"POST", t + "/unlock", "", "admin:write"},
      {"DELETE", t, "", "admin:write"},
      {"GET", t + "/sessions", "", "admin:read"},
      {"DELETE", t + "/sessions", "", "admin:write"},
      {"GET", by, "", "admin:read"},
      {"PATCH", by + "/" + key_id, R"({"name":"x"})", "admin:write"},
      {"DELETE", by + "/" + key_id, "", "admin:write"},
  };
}

TEST(ApiKeyScopes, AUsersReadKeyReadsAndDoesNothingElse) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "scopereader");
  const TestUser victim = verified_login(server, c, "scopevictim");
  const Key victim_key = create_key(c, victim);
  const Key k = create_scoped(c, u, {"users:read"});
  const Headers key = with_key(k.raw);

  const auto me = c.get("/users/me", key);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(parse_json(me.body).at("email"), json::value(u.email));

  const std::string own = "/users/" + std::to_string(u.id);
  const std::string names =
      to_json(json::object{{"email", u.email}, {"first_name", "Changed"}, {"last_name", "Name"}});
  expect_detail(c.request("PUT", own, key, names), 403, lacks("users:write"), "PUT own");
  expect_detail(c.request("PUT", "/users/" + std::to_string(victim.id), key, names), 403,
                "Forbidden", "ownership is checked before the scope");
  expect_detail(post_key(c, key, {{"name", "minted"}}), 403, kSignedIn, "create a key");
  expect_detail(c.get("/users/keys", key), 403, lacks("api-keys:read"));
  expect_detail(c.request("DELETE", "/users/keys/" + k.id, key), 403, lacks("api-keys:write"));
  expect_detail(c.get("/users/me/sessions", key), 403, lacks("sessions:read"));
  expect_detail(c.request("POST", "/logout/", key), 403, lacks("sessions:write"));
  expect_detail(c.request("POST", "/logout/all", key), 403, lacks("sessions:write"));
  expect_detail(c.request("POST", own + "/password", key,
                          R"({"password":"Another-Pass-77","current_password":"x"})"),
                403, kSignedIn);
  for (const auto& [method, path, body, scope] : admin_routes(victim.id, victim_key.id)) {
    expect_detail(c.request(method, path, key, body), 403, "Forbidden", method + " " + path);
  }

  // Nothing changed.
  const auto after = c.get("/users/me", u.auth());
  EXPECT_EQ(parse_json(after.body).at("first_name"), "Test");
  EXPECT_EQ(key_count(c, u), 1u);
  EXPECT_EQ(c.get("/users/me", with_key(victim_key.raw)).status, 200);
  EXPECT_EQ(c.get("/users/me", u.auth()).status, 200) << "no session was ended";
}

TEST(ApiKeyScopes, AnAdminsScopedKeyNeedsTheAdminScopeOfEachRoute) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "scopeadmin");
  const TestUser victim = verified_login(server, c, "scopeadminvictim");
  const Key victim_key = create_key(c, victim);
  const Key reader = create_scoped(c, admin, {"users:read", "api-keys:read"});
  for (const auto& [method, path, body, scope] : admin_routes(victim.id, victim_key.id)) {
    expect_detail(c.request(method, path, with_key(reader.raw), body), 403, lacks(scope),
                  method + " " + path);
  }
  // admin:read opens the reading routes only; no scope implies another.
  const Key admin_reader = create_scoped(c, admin, {"admin:read"});
  for (const auto& [method, path, body, scope] : admin_routes(victim.id, victim_key.id)) {
    const auto r = c.request(method, path, with_key(admin_reader.raw), body);
    if (scope == "admin:read") {
      EXPECT_EQ(r.status, 200) << method << " " << path << ": " << r.body;
    } else {
      expect_detail(r, 403, lacks("admin:write"), method + " " + path);
    }
  }
  expect_detail(c.get("/users/me", with_key(admin_reader.raw)), 403, lacks("users:read"));
  // An admin's PUT on another user needs admin:write; on themselves users:write.
  const std::string names =
      to_json(json::object{{"email", victim.email}, {"first_name", "By"}, {"last_name", "Admin"}});
  const std::string victim_path = "/users/" + std::to_string(victim.id);
  const Key user_writer = create_scoped(c, admin, {"users:write"});
  expect_detail(c.request("PUT", victim_path, with_key(user_writer.raw), names), 403,
                lacks("admin:write"));
  const Key admin_writer = create_scoped(c, admin, {"admin:write"});
  const auto edited = c.request("PUT", victim_path, with_key(admin_writer.raw), names);
  EXPECT_EQ(edited.status, 200) << edited.body;
  const auto own = c.request(
      "PUT", "/users/" + std::to_string(admin.id), with_key(admin_writer.raw),
      to_json(json::object{{"email", admin.email}, {"first_name", "A"}, {"last_name", "B"}}));
  expect_detail(own, 403, lacks("users:write"));
  EXPECT_EQ(c.get("/users/me", with_key(victim_key.raw)).status, 200) << "victim untouched";
}

TEST(ApiKeyScopes, ANullScopeKeyHasItsUsersRightsButNeverASignedInUsersOnes) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "scopefulladmin");
  const TestUser u = verified_login(server, c, "scopefull");
  const Key k = create_key(c, u);
  const Headers key = with_key(k.raw);
  const std::string own = "/users/" + std::to_string(u.id);

  EXPECT_EQ(c.get("/users/keys", key).status, 200);
  EXPECT_EQ(c.get("/users/keys/" + k.id, key).status, 200);
  EXPECT_EQ(c.get("/users/me/sessions", key).status, 200);
  const auto renamed = c.request(
      "PUT", own, key,
      to_json(json::object{{"email", u.email}, {"first_name", "Via"}, {"last_name", "Key"}}));
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(parse_json(renamed.body).at("first_name"), "Via");

  // The signed-in-user actions refuse a key before looking at scopes.
  expect_detail(post_key(c, key, {{"name", "minted"}}), 403, kSignedIn);
  expect_detail(c.request("PUT", own, key,
                          to_json(json::object{{"email", unique_email("newaddr")},
                                               {"first_name", "Via"},
                                               {"last_name", "Key"}})),
                403, kSignedIn, "email change");
  expect_detail(c.request("PUT", own, key,
                          to_json(json::object{{"email", u.email},
                                               {"first_name", "Via"},
                                               {"last_name", "Key"},
                                               {"password", "Another-Pass-77"},
                                               {"current_password", kPassword}})),
                403, kSignedIn, "password change through PUT");
  expect_detail(c.request("POST", own + "/password", key,
                          R"({"password":"Another-Pass-77","current_password":"Correct-Horse-9"})"),
                403, kSignedIn);
  // A key never exceeds its user: a non-admin's key is no admin.
  expect_detail(c.get("/users/", key), 403, "Forbidden");
  // The signed-in rule comes before the scope: a narrow key changing its email hears it.
  const Key narrow = create_scoped(c, u, {"users:read"});
  expect_detail(c.request("PUT", own, with_key(narrow.raw),
                          to_json(json::object{{"email", unique_email("other")},
                                               {"first_name", "Via"},
                                               {"last_name", "Key"}})),
                403, kSignedIn);
  // An admin's key changing another user's password: signed-in user too.
  const Key admin_key = create_key(c, admin);
  expect_detail(c.request("POST", own + "/password", with_key(admin_key.raw),
                          R"({"password":"Another-Pass-77"})"),
                403, kSignedIn, "admin acting on another user");

  // Nothing changed: the password and email are the old ones.
  EXPECT_EQ(login_request(c, u.email, kPassword).status, 200);
  EXPECT_EQ(key_count(c, u), 2u);
}

TEST(ApiKeyScopes, SessionScopesOpenLogoutAndTheSessionRoutes) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "scopesessions");
  const Key reader = create_scoped(c, u, {"sessions:read"});
  const auto listed = c.get("/users/me/sessions", with_key(reader.raw));
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto sessions = parse_json(listed.body).as_array();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].at("current"), false) << "a key has no session of its own";
  expect_detail(
      c.request("DELETE", "/users/me/sessions/" + std::string(sessions[0].at("id").as_string()),
                with_key(reader.raw)),
      403, lacks("sessions:write"));
  expect_detail(c.request("POST", "/logout/all", with_key(reader.raw)), 403,
                lacks("sessions:write"));
  ASSERT_EQ(c.get("/users/me", u.auth()).status, 200) << "still signed in";

  const Key writer = create_scoped(c, u, {"sessions:write"});
  EXPECT_EQ(c.request("POST", "/logout/", with_key(writer.raw)).status, 204)
      << "a key has no session to end";
  ASSERT_EQ(c.get("/users/me", u.auth()).status, 200);
  EXPECT_EQ(c.request("POST", "/logout/all", with_key(writer.raw)).status, 204);
  expect_detail(c.get("/users/me", u.auth()), 401, kInvalidToken, "every session ended");
  EXPECT_EQ(c.get("/users/me/sessions", with_key(reader.raw)).status, 200)
      << "keys are not sessions: they survive logout-all";
}

TEST(ApiKeyScopes, ADemotedAdminsAdminKeyLosesTheAdminRoutes) {
  auto& server = shared_server();
  auto c = client();
  const TestUser first = make_admin(server, c, "scopedemote1");
  const TestUser second = make_admin(server, c, "scopedemote2");
  const Key k = create_scoped(c, second, {"admin:read"});
  ASSERT_EQ(c.get("/users/", with_key(k.raw)).status, 200);
  ASSERT_EQ(c.request("POST", "/users/" + std::to_string(second.id) + "/remove-admin", first.auth())
                .status,
            204);
  expect_detail(c.get("/users/", with_key(k.raw)), 403, "Forbidden",
                "role is checked on every request, before the scope");
  // Non-admins cannot create such a key in the first place.
  const auto r =
      post_key(c, second.auth(), {{"name", "x"}, {"scopes", json::array{"admin:write"}}});
  EXPECT_EQ(r.status, 422) << r.body;
}

// ================================================================ CLI

TEST(CliApiKeys, CreateListRevoke) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "cliapikey");
  const std::string uid = std::to_string(u.id);

  const auto created = server.run_command({"apikey", "create", "--user", uid, "--name", "deploy",
                                           "--scopes", "users:read, sessions:read", "--expires",
                                           iso_in(std::chrono::hours(48))});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto last_nl = created.out.find_last_of('\n', created.out.size() - 2);
  const std::string raw = created.out.substr(last_nl + 1, created.out.size() - last_nl - 2);
  ASSERT_EQ(raw.rfind("pk_", 0), 0u) << created.out;
  EXPECT_EQ(raw.size(), 46u);
  // The key works over HTTP with its scopes.
  const auto me = c.get("/users/me", with_key(raw));
  EXPECT_EQ(me.status, 200) << me.body;
  expect_detail(c.get("/users/keys", with_key(raw)), 403, lacks("api-keys:read"));
  const auto listed_http = key_list(c.get("/users/keys", u.auth()));
  ASSERT_EQ(listed_http.size(), 1u);
  EXPECT_EQ(listed_http[0].at("scopes"), (json::array{"users:read", "sessions:read"}));
  EXPECT_FALSE(listed_http[0].at("expires_at").is_null());
  const std::string id(listed_http[0].at("id").as_string());

  const auto list = server.run_command({"apikey", "list", "--user", uid});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("deploy"), std::string::npos);
  EXPECT_EQ(list.out.find(raw), std::string::npos) << "the key is shown once only";

  // Bad input: a clear message, exit 1, nothing created.
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"apikey", "create", "--user", "99999999", "--name", "x"}, "This User does not exist"},
      {{"apikey", "create", "--user", uid, "--name", "x", "--scopes", "users:read,nope"},
       "Unknown scope 'nope'"},
      {{"apikey", "create", "--user", uid, "--name", "x", "--scopes", "admin:read"},
       "Scope 'admin:read' requires an admin user"},
      {{"apikey", "create", "--user", uid, "--name", "x", "--expires", "2001-01-01T00:00:00Z"},
       "expires_at must be in the future"},
      {{"apikey", "create", "--user", uid, "--name", "x", "--expires", "soon"},
       "--expires must be an ISO-8601 date and time with a time zone"},
      {{"apikey", "create", "--user", uid, "--name", std::string(51, 'n')},
       "The name must be 1 to 50 characters"},
      {{"apikey", "list", "--user", "99999999"}, "This User does not exist"},
      {{"apikey", "revoke", random_uuid()}, "API key not found"},
      {{"apikey", "revoke", "not-a-uuid"}, "API key not found"},
  };
  for (const auto& [args, message] : bad) {
    const auto r = server.run_command(args);
    EXPECT_EQ(r.exit_code, 1) << args[1] << " " << message << ": " << r.out;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  EXPECT_EQ(key_list(c.get("/users/keys", u.auth())).size(), 1u) << "nothing was created";
  EXPECT_EQ(server.run_command({"apikey", "create", "--name", "x"}).exit_code, 2) << "usage";
  EXPECT_EQ(server.run_command({"apikey"}).exit_code, 2);

  const auto revoked = server.run_command({"apikey", "revoke", id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  expect_detail(c.get("/users/me", with_key(raw)), 401, kInvalidKey, "revoke deletes");
  EXPECT_EQ(c.get("/users/keys", u.auth()).body, "[]");
  const auto empty = server.run_command({"apikey", "list", "--user", uid});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_NE(empty.out.find("has no API keys"), std::string::npos) << empty.out;

  // An empty --scopes makes a key for no protected route, and says so (not "all").
  const auto none =
      server.run_command({"apikey", "create", "--user", uid, "--name", "nothing", "--scopes", ""});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("scopes none,"), std::string::npos) << none.out;
  const auto none_raw = none.out.substr(none.out.find_last_of('\n', none.out.size() - 2) + 1);
  expect_detail(c.get("/users/me", with_key(none_raw.substr(0, none_raw.size() - 1))), 403,
                lacks("users:read"));
  const auto listed_none = server.run_command({"apikey", "list", "--user", uid});
  ASSERT_EQ(listed_none.exit_code, 0) << listed_none.err;
  EXPECT_NE(listed_none.out.find(" none\n"), std::string::npos) << listed_none.out;
}

// ================================================================ settings and metrics

TEST(ApiKeySettings, PrefixIsConfigurableAndValidationsAreCounted) {
  GatehouseProcess gh{{"API_KEY_PREFIX", "gh_"}, {"METRICS_ENABLED", "true"}};
  gh.start();
  HttpClient c(gh.port());
  const auto before = c.get("/metrics");
  ASSERT_EQ(before.status, 200);
  EXPECT_NE(before.body.find("api_template_api_key_validations_total{status=\"valid\"} 0"),
            std::string::npos)
      << "listed before the first use";
  const TestUser u = verified_login(gh, c, "prefix");
  const Key k = create_key(c, u);
  ASSERT_EQ(k.raw.rfind("gh_", 0), 0u) << k.raw;
  EXPECT_EQ(k.raw.size(), 46u);
  EXPECT_EQ(c.get("/users/me", with_key(k.raw)).status, 200);
  expect_detail(c.get("/users/me", with_key("pk_" + k.raw.substr(3))), 401, kInvalidKey);
  expect_detail(c.get("/users/me", with_key("gh_" + random_hex(20))), 401, kInvalidKey);
  exec_sql(gh, "UPDATE api_keys SET expires_at = '2001-01-01T00:00:00.000000Z' WHERE id = '" +
                   k.id + "'");
  expect_detail(c.get("/users/me", with_key(k.raw)), 401, "API key has expired");
  const auto after = c.get("/metrics");
  for (const char* line : {"api_template_api_key_validations_total{status=\"valid\"} 1",
                           "api_template_api_key_validations_total{status=\"invalid_format\"} 1",
                           "api_template_api_key_validations_total{status=\"not_found\"} 1",
                           "api_template_api_key_validations_total{status=\"expired\"} 1"}) {
    EXPECT_NE(after.body.find(line), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace gatehouse::testing
