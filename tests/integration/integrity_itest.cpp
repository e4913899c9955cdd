// Writes that race each other, and links and tokens that must not outlive what they were
// issued for: a change that lands while another request of the same user is waiting for a
// password hash survives it; a verification or reset link works only for the address (and
// password) it was sent for; a refresh never mints tokens the account can no longer use.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

HttpClient client() { return HttpClient(shared_server().port()); }

std::string user_path(std::int64_t id, const std::string& suffix = "") {
  return "/users/" + std::to_string(id) + suffix;
}

void expect_detail(const HttpResponse& r, int status, const std::string& detail,
                   const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), detail) << what;
}

json::object profile(const std::string& email, const std::string& first, const std::string& last) {
  return json::object{{"email", email}, {"first_name", first}, {"last_name", last}};
}

// ---------------------------------------------------------------- concurrent writes

// A server whose password hashes take a few hundred milliseconds, so a request that changes
// a password is still hashing when another request changes the same user.
class SlowHashRace : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess({{"PASSWORD_HASH", "bcrypt"}, {"BCRYPT_ROUNDS", "13"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static HttpClient connect() { return HttpClient(server_->port()); }

  // Sends `method target body` as `who` on its own connection, in the background.
  static std::future<HttpResponse> in_background(const std::string& method,
                                                 const std::string& target, const Headers& who,
                                                 const json::object& body) {
    return std::async(std::launch::async, [=] {
      HttpClient c = connect();
      return c.request(method, target, who, to_json(body));
    });
  }

  // Waits long enough for a request sent just now to be inside its password hash (a bcrypt
  // cost-13 verify followed by a hash takes well over a second here).
  static void let_it_start_hashing() { std::this_thread::sleep_for(300ms); }

  static json::object user_as_admin(HttpClient& c, const TestUser& admin, std::int64_t id) {
    const auto r = c.get("/users/?user_id=" + std::to_string(id), admin.auth());
    EXPECT_EQ(r.status, 200) << r.body;
    const auto v = parse_json(r.body);
    return v.is_object() ? v.as_object() : json::object{};
  }

  static GatehouseProcess* server_;
};

GatehouseProcess* SlowHashRace::server_ = nullptr;

TEST_F(SlowHashRace, ABanDuringTheUsersOwnPasswordChangeStays) {
  HttpClient c = connect();
  const TestUser admin = make_admin(*server_, c, "race-admin");
  const TestUser x = verified_login(*server_, c, "race-ban");
  const std::string old_hash =
      query_scalar(*server_, "SELECT password FROM users WHERE id = " + std::to_string(x.id));

  json::object body = profile(x.email, "Renamed", "User");
  body["password"] = kOtherPassword;
  body["current_password"] = x.password;
  auto change = in_background("PUT", user_path(x.id), x.auth(), body);
  let_it_start_hashing();
  const auto ban = c.request("POST", user_path(x.id, "/ban"), admin.auth());
  ASSERT_EQ(ban.status, 204) << ban.body;
  const auto changed = change.get();
  EXPECT_EQ(changed.status, 200) << changed.body;

  const auto after = user_as_admin(c, admin, x.id);
  EXPECT_EQ(after.at("banned"), json::value(true)) << "the ban was undone: " << to_json(after);
  EXPECT_EQ(after.at("first_name"), json::value("Renamed"));
  EXPECT_NE(query_scalar(*server_, "SELECT password FROM users WHERE id = " + std::to_string(x.id)),
            old_hash)
      << "the password change was lost";
  EXPECT_EQ(login_request(c, x.email, kOtherPassword).status, 400) << "banned: no login";
}

TEST_F(SlowHashRace, ADemotionDuringTheAdminsOwnProfileChangeStays) {
  HttpClient c = connect();
  const TestUser first = make_admin(*server_, c, "race-first");
  const TestUser second = make_admin(*server_, c, "race-second");

  json::object body = profile(second.email, "Second", "Renamed");
  body["password"] = kOtherPassword;
  body["current_password"] = second.password;
  auto change = in_background("PUT", user_path(second.id), second.auth(), body);
  let_it_start_hashing();
  const auto demote = c.request("POST", user_path(second.id, "/remove-admin"), first.auth());
  ASSERT_EQ(demote.status, 204) << demote.body;
  const auto changed = change.get();
  EXPECT_EQ(changed.status, 200) << changed.body;

  const auto after = user_as_admin(c, first, second.id);
  EXPECT_EQ(after.at("role"), json::value("user")) << "the demotion was undone";
  EXPECT_EQ(after.at("last_name"), json::value("Renamed"));
}

TEST_F(SlowHashRace, AVerificationDuringAnAdminsEditStays) {
  HttpClient c = connect();
  const TestUser admin = make_admin(*server_, c, "race-verify-admin");
  const std::string email = unique_email("race-verify");
  ASSERT_EQ(register_user(c, email).status, 202);
  const std::string code = verify_code_for(*server_, email);
  ASSERT_FALSE(code.empty());
  const std::int64_t id =
      std::stoll(query_scalar(*server_, "SELECT id FROM users WHERE email = '" + email + "'"));

  // An admin sets the user's names and password (no current password: only the new hash).
  json::object body = profile(email, "Edited", "ByAdmin");
  body["password"] = kOtherPassword;
  auto edit = in_background("PUT", user_path(id), admin.auth(), body);
  std::this_thread::sleep_for(150ms);
  const auto verified = c.get("/verify/?code=" + percent_encode(code));
  ASSERT_EQ(verified.status, 204) << verified.body;
  const auto edited = edit.get();
  EXPECT_EQ(edited.status, 200) << edited.body;

  const auto after = user_as_admin(c, admin, id);
  EXPECT_EQ(after.at("verified"), json::value(true)) << "the verification was undone";
  EXPECT_EQ(after.at("first_name"), json::value("Edited"));
  EXPECT_EQ(login_request(c, email, kOtherPassword).status, 200) << "both changes hold";
}

TEST_F(SlowHashRace, AnEmailChangeDuringAVerificationOfTheOldAddressLeavesItUnverified) {
  HttpClient c = connect();
  const TestUser admin = make_admin(*server_, c, "race-email-admin");
  const std::string email = unique_email("race-email");
  ASSERT_EQ(register_user(c, email).status, 202);
  const std::string code = verify_code_for(*server_, email);
  ASSERT_FALSE(code.empty());
  const std::int64_t id =
      std::stoll(query_scalar(*server_, "SELECT id FROM users WHERE email = '" + email + "'"));

  const std::string moved = unique_email("race-moved");
  json::object body = profile(moved, "Test", "User");
  body["password"] = kOtherPassword;
  auto edit = in_background("PUT", user_path(id), admin.auth(), body);
  std::this_thread::sleep_for(150ms);
  (void)c.get("/verify/?code=" + percent_encode(code));  // 204 or 401, by who wins
  const auto edited = edit.get();
  EXPECT_EQ(edited.status, 200) << edited.body;

  const auto after = user_as_admin(c, admin, id);
  EXPECT_EQ(after.at("email"), json::value(moved));
  EXPECT_EQ(after.at("verified"), json::value(false))
      << "a link sent to the old address verified the new one";
  // The link is dead now whatever the order was.
  EXPECT_EQ(c.get("/verify/?code=" + percent_encode(code)).status, 401);
}

TEST_F(SlowHashRace, ALockoutDuringASuccessfulLoginWithRehashStays) {
  HttpClient c = connect();
  const TestUser x = verified_login(*server_, c, "race-lock");
  // An outdated hash (the shared server's cheap Argon2id of the same password while this one
  // wants bcrypt): the next good login verifies it at once and then spends a cost-13 bcrypt
  // hash on the upgrade, while the failures below lock the account.
  HttpClient shared = client();
  const TestUser cheap = verified_login(shared_server(), shared, "race-lock-cheap");
  const std::string outdated = query_scalar(
      shared_server(), "SELECT password FROM users WHERE id = " + std::to_string(cheap.id));
  ASSERT_EQ(outdated.rfind("$argon2id$", 0), 0u) << outdated;
  exec_sql(*server_,
           "UPDATE users SET password = '" + outdated + "' WHERE id = " + std::to_string(x.id));

  auto good = std::async(std::launch::async, [&] {
    HttpClient own = connect();
    return login_request(own, x.email, x.password);
  });
  std::this_thread::sleep_for(100ms);
  // Ten failures (the default threshold) from other connections while the good one runs.
  std::vector<std::future<HttpResponse>> failures;
  for (int i = 0; i < 10; ++i) {
    failures.push_back(std::async(std::launch::async, [&] {
      HttpClient other = connect();
      return login_request(other, x.email, "Wrong-Password-1!");
    }));
  }
  for (auto& f : failures) EXPECT_EQ(f.get().status, 400);
  EXPECT_EQ(good.get().status, 200);

  const std::string id = std::to_string(x.id);
  EXPECT_FALSE(query_scalar(*server_, "SELECT locked_until FROM users WHERE id = " + id).empty())
      << "the lockout was undone";
  EXPECT_FALSE(query_scalar(*server_, "SELECT last_login_at FROM users WHERE id = " + id).empty());
  EXPECT_EQ(query_scalar(*server_, "SELECT password FROM users WHERE id = " + id).rfind("$2b$", 0),
            0u)
      << "the rehash was lost";
  expect_detail(login_request(c, x.email, x.password), 400, kWrongCredentials, "locked");
}

// ---------------------------------------------------------------- links bound to the address

TEST(VerificationLink, VerifiesOnlyTheAddressItWasSentTo) {
  auto c = client();
  const std::string mallory = unique_email("mallory");
  ASSERT_EQ(register_user(c, mallory).status, 202);
  const std::string first = verify_code_for(shared_server(), mallory, 1);
  ASSERT_EQ(
      c.request("POST", "/resend-verification/", {}, to_json(json::object{{"email", mallory}}))
          .status,
      202);
  const std::string second = verify_code_for(shared_server(), mallory, 2);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_NE(first, second);
  ASSERT_EQ(c.get("/verify/?code=" + percent_encode(first)).status, 204);

  const Tokens t = login(c, mallory);
  const std::int64_t id = user_id_from_token(t.token);
  const std::string victim = unique_email("victim");
  const auto moved =
      c.request("PUT", user_path(id), bearer(t.token), to_json(profile(victim, "Test", "User")));
  ASSERT_EQ(moved.status, 200) << moved.body;

  const auto hijack = c.get("/verify/?code=" + percent_encode(second));
  EXPECT_EQ(hijack.status, 401) << hijack.body;
  EXPECT_EQ(detail_of(hijack), kInvalidToken);
  EXPECT_EQ(
      query_scalar(shared_server(), "SELECT email FROM users WHERE id = " + std::to_string(id)),
      victim);
  expect_detail(login_request(c, victim, kPassword), 400,
                "You need to verify your Email before logging in", "still unverified");

  // The link sent to the new address does verify it.
  const auto changed = wait_for_email(shared_server(), victim, "", 1);
  ASSERT_TRUE(changed);
  const std::string fresh = extract_link_code(*changed, "/verify/?code=");
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(c.get("/verify/?code=" + percent_encode(fresh)).status, 204);
  EXPECT_EQ(login_request(c, victim, kPassword).status, 200);
}

TEST(ResetLink, DiesWhenTheAccountMovesToAnotherAddress) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "reset-move");
  ASSERT_EQ(
      c.request("POST", "/forgot-password/", {}, to_json(json::object{{"email", u.email}})).status,
      200);
  const auto mail = wait_for_email(shared_server(), u.email, kResetSubject);
  ASSERT_TRUE(mail);
  const std::string code = extract_link_code(*mail, "/reset-password/?code=");
  ASSERT_FALSE(code.empty());
  const std::string id = std::to_string(u.id);
  const std::string hash_before =
      query_scalar(shared_server(), "SELECT password FROM users WHERE id = " + id);

  const std::string moved = unique_email("reset-moved");
  ASSERT_EQ(
      c.request("PUT", user_path(u.id), u.auth(), to_json(profile(moved, "Test", "User"))).status,
      200);
  const auto reset =
      c.request("POST", "/reset-password/", {},
                to_json(json::object{{"code", code}, {"new_password", kOtherPassword}}));
  EXPECT_EQ(reset.status, 401) << reset.body;
  EXPECT_EQ(detail_of(reset), kInvalidToken);
  EXPECT_EQ(query_scalar(shared_server(), "SELECT password FROM users WHERE id = " + id),
            hash_before)
      << "a link sent to the old mailbox reset the password";
}

// ---------------------------------------------------------------- refresh

TEST(Refresh, RefusesAnAccountThatCanNoLongerUseItsTokens) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "refresh-unverified");
  const auto moved = c.request("PUT", user_path(u.id), u.auth(),
                               to_json(profile(unique_email("refresh-moved"), "Test", "User")));
  ASSERT_EQ(moved.status, 200) << moved.body;
  const auto r =
      c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", u.tokens.refresh}}));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(detail_of(r), kInvalidToken);
}

}  // namespace
}  // namespace gatehouse::testing
