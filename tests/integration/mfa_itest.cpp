// Two-factor authentication through the real binary (docs/http-api.md §4 "Two-factor
// authentication", docs/authentication.md): enrolment, sign-in with a TOTP or recovery code,
// every bad input the issue names, removal by the user, an admin and the CLI,
// MFA_REQUIRED_FOR_ADMINS, and that no other path issues tokens without the second factor.
// Codes come from oathtool (Debian's package), an implementation we did not write.
#include <gtest/gtest.h>

#include <ctime>
#include <regex>
#include <set>
#include <thread>

#include "auth_test_support.hpp"
#include "support/oathtool.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kInvalidCode = "Invalid authentication code";
constexpr const char* kExpiredToken = "That token has Expired";
constexpr const char* kEnabledSubject = "Two-factor authentication enabled";
constexpr const char* kDisabledSubject = "Two-factor authentication disabled";
constexpr const char* kRecoverySubject = "A recovery code was used";

HttpClient client() { return HttpClient(shared_server().port()); }

void expect_detail(const HttpResponse& r, int status, const std::string& detail,
                   const std::string& what = "") {
  EXPECT_EQ(r.status, status) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), detail) << what << ": " << r.body;
}

std::string field(const HttpResponse& r, const char* name) {
  const auto v = parse_json(r.body);
  if (!v.is_object()) return "";
  const auto* f = v.as_object().if_contains(name);
  return f && f->is_string() ? std::string(f->as_string()) : "";
}

// A user with TOTP on: its secret (base32), recovery codes, and the time steps already used.
struct MfaUser {
  TestUser user;
  std::string secret;
  std::vector<std::string> recovery;
  std::set<std::int64_t> used_steps;
};

// A code the server accepts now and that this user has not used: the current step or the
// next (both are within the server's ±1 step, whichever of the two it is in); when both are
// spent, waits for the next step.
std::string fresh_code(MfaUser& m) {
  for (;;) {
    const std::int64_t now = std::time(nullptr);
    for (const std::int64_t step : {now / 30, now / 30 + 1}) {
      if (m.used_steps.insert(step).second) return oathtool_code(m.secret, step * 30);
    }
    std::this_thread::sleep_for(std::chrono::seconds(30 - now % 30) + 100ms);
  }
}

HttpResponse start_enrolment(HttpClient& c, const std::string& token) {
  return c.request("POST", "/users/me/mfa/totp", bearer(token), "");
}

HttpResponse confirm(HttpClient& c, const std::string& token, const std::string& code) {
  return c.request("POST", "/users/me/mfa/totp/confirm", bearer(token),
                   to_json(json::object{{"code", code}}));
}

HttpResponse second_step(HttpClient& c, const std::string& mfa_token, const std::string& code) {
  return c.request("POST", "/login/mfa/", {},
                   to_json(json::object{{"mfa_token", mfa_token}, {"code", code}}));
}

HttpResponse disable(HttpClient& c, const std::string& token, const json::object& body) {
  return c.request("DELETE", "/users/me/mfa/totp", bearer(token), to_json(body));
}

std::vector<std::string> recovery_codes_of(const HttpResponse& confirmed) {
  std::vector<std::string> out;
  const auto v = parse_json(confirmed.body);
  if (v.is_object() && v.as_object().contains("recovery_codes")) {
    for (const auto& code : v.as_object().at("recovery_codes").as_array()) {
      out.emplace_back(code.as_string());
    }
  }
  return out;
}

// Registers, verifies, signs in and turns TOTP on through the routes.
MfaUser enrolled(GatehouseProcess& server, HttpClient& c, const std::string& prefix) {
  MfaUser m;
  m.user = verified_login(server, c, prefix);
  const auto started = start_enrolment(c, m.user.tokens.token);
  EXPECT_EQ(started.status, 200) << started.body;
  m.secret = field(started, "secret");
  const auto confirmed = confirm(c, m.user.tokens.token, fresh_code(m));
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  m.recovery = recovery_codes_of(confirmed);
  EXPECT_EQ(m.recovery.size(), 10u);
  return m;
}

// The mfa_token of a correct password (and a failed assertion when tokens came instead).
std::string mfa_token(HttpClient& c, const MfaUser& m) {
  const auto r = login_request(c, m.user.email, m.user.password);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto v = parse_json(r.body);
  EXPECT_EQ(keys_of(v), (std::vector<std::string>{"mfa_required", "mfa_token"})) << r.body;
  return field(r, "mfa_token");
}

std::string live_sessions(const GatehouseProcess& server, std::int64_t user_id) {
  return query_scalar(server,
                      "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND "
                      "user_id = " +
                          std::to_string(user_id));
}

std::string mfa_enabled_column(const GatehouseProcess& server, std::int64_t user_id) {
  // 1/0 on SQLite, t/f on PostgreSQL: compare through CASE.
  return query_scalar(server,
                      "SELECT CASE WHEN mfa_enabled THEN 'on' ELSE 'off' END FROM users "
                      "WHERE id = " +
                          std::to_string(user_id));
}

TEST(Mfa, EnrolConfirmAndSignInWithACode) {
  auto c = client();
  MfaUser m;
  m.user = verified_login(shared_server(), c, "mfaflow");
  const auto started = start_enrolment(c, m.user.tokens.token);
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(keys_of(parse_json(started.body)), (std::vector<std::string>{"secret", "otpauth_uri"}));
  EXPECT_EQ(started.header("Cache-Control"), "no-store");
  m.secret = field(started, "secret");
  EXPECT_TRUE(std::regex_match(m.secret, std::regex("[A-Z2-7]{32}"))) << m.secret;
  const std::string uri = field(started, "otpauth_uri");
  EXPECT_EQ(uri.rfind("otpauth://totp/", 0), 0u) << uri;
  EXPECT_NE(uri.find(percent_encode(m.user.email)), std::string::npos) << uri;
  EXPECT_NE(uri.find("secret=" + m.secret), std::string::npos) << uri;
  // Stored sealed; not on yet, so the password alone still signs in.
  const std::string stored = query_scalar(
      shared_server(), "SELECT mfa_secret FROM users WHERE id = " + std::to_string(m.user.id));
  EXPECT_FALSE(stored.empty());
  EXPECT_EQ(stored.find(m.secret), std::string::npos);
  EXPECT_EQ(mfa_enabled_column(shared_server(), m.user.id), "off");
  EXPECT_FALSE(login(c, m.user.email).token.empty());

  const auto confirmed = confirm(c, m.user.tokens.token, fresh_code(m));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  const auto codes = parse_json(confirmed.body).as_object().at("recovery_codes").as_array();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> distinct;
  for (const auto& code : codes) {
    const std::string s(code.as_string());
    EXPECT_TRUE(std::regex_match(s, std::regex("[a-z2-7]{5}-[a-z2-7]{5}"))) << s;
    distinct.insert(s);
    // Stored hashed: no stored value contains the code.
    EXPECT_EQ(query_scalar(shared_server(),
                           "SELECT COUNT(*) FROM mfa_recovery_codes WHERE code_hash LIKE '%" +
                               s.substr(0, 5) + "%'"),
              "0");
  }
  EXPECT_EQ(distinct.size(), 10u);
  EXPECT_EQ(mfa_enabled_column(shared_server(), m.user.id), "on");
  EXPECT_TRUE(wait_for_email(shared_server(), m.user.email, kEnabledSubject));

  // The password alone now gets an mfa_token, no tokens and no session.
  const std::string sessions_before = live_sessions(shared_server(), m.user.id);
  const std::string token = mfa_token(c, m);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(jwt_payload(token).at("typ"), "mfa");
  EXPECT_EQ(live_sessions(shared_server(), m.user.id), sessions_before);

  const auto signed_in = second_step(c, token, fresh_code(m));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(keys_of(parse_json(signed_in.body)), (std::vector<std::string>{"token", "refresh"}));
  EXPECT_EQ(c.get("/users/me", bearer(field(signed_in, "token"))).status, 200);
  EXPECT_EQ(std::stoi(live_sessions(shared_server(), m.user.id)), std::stoi(sessions_before) + 1);
}

TEST(Mfa, BadCodesAreRefusedAndTheFifthSpendsTheToken) {
  auto c = client();
  MfaUser m = enrolled(shared_server(), c, "mfabad");
  const std::string sessions_before = live_sessions(shared_server(), m.user.id);
  const std::string good = fresh_code(m);
  const std::string token = mfa_token(c, m);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {good.substr(0, 3) + " " + good.substr(3), "a space"},
      {good.substr(0, 5), "5 digits"},
      {good + "7", "7 digits"},
      {"abcdef", "letters"},
      {good.substr(0, 5) + "x", "a letter among digits"}};
  for (const auto& [code, what] : bad) {
    expect_detail(second_step(c, token, code), 400, kInvalidCode, what);
  }
  // Spent by its fifth failure: even the right code is refused now (and that code is
  // spent: the replay guard is asked before the token).
  expect_detail(second_step(c, token, good), 401, kInvalidToken, "after five failures");
  EXPECT_EQ(live_sessions(shared_server(), m.user.id), sessions_before);

  const std::string next = fresh_code(m);
  const auto ok = second_step(c, mfa_token(c, m), next);
  EXPECT_EQ(ok.status, 200) << ok.body;
  // A code works once, whatever the token.
  expect_detail(second_step(c, mfa_token(c, m), next), 400, kInvalidCode, "a reused code");
  // Malformed bodies are 422 and count for nothing.
  const auto missing =
      c.request("POST", "/login/mfa/", {}, to_json(json::object{{"mfa_token", token}}));
  EXPECT_EQ(missing.status, 422) << missing.body;
  const auto too_long = second_step(c, token, std::string(33, '1'));
  EXPECT_EQ(too_long.status, 422) << too_long.body;
}

TEST(Mfa, ASuccessSpendsTheToken) {
  auto c = client();
  MfaUser m = enrolled(shared_server(), c, "mfaonce");
  const std::string token = mfa_token(c, m);
  ASSERT_EQ(second_step(c, token, fresh_code(m)).status, 200);
  expect_detail(second_step(c, token, m.recovery[0]), 401, kInvalidToken, "a spent token");
  // The recovery code was not consumed by that refusal.
  EXPECT_EQ(second_step(c, mfa_token(c, m), m.recovery[0]).status, 200);
}

TEST(Mfa, TwoRequestsWithOneTokenSignInOnce) {
  MfaUser m;
  {
    auto c = client();
    m = enrolled(shared_server(), c, "mfarace");
  }
  for (int round = 0; round < 3; ++round) {
    auto c = client();
    const std::string token = mfa_token(c, m);
    const std::string codes[2] = {m.recovery[2 * round], m.recovery[2 * round + 1]};
    int statuses[2] = {0, 0};
    std::thread racers[2];
    for (int i = 0; i < 2; ++i) {
      racers[i] = std::thread([&, i] {
        HttpClient own(shared_server().port());
        statuses[i] = second_step(own, token, codes[i]).status;
      });
    }
    for (auto& t : racers) t.join();
    EXPECT_EQ((statuses[0] == 200) + (statuses[1] == 200), 1)
        << "round " << round << ": " << statuses[0] << " " << statuses[1];
  }
}

TEST(Mfa, TokensOfTheWrongKindOwnerOrAgeAreRefused) {
  auto c = client();
  MfaUser m = enrolled(shared_server(), c, "mfakind");
  MfaUser other = enrolled(shared_server(), c, "mfakind2");
  const std::string token = mfa_token(c, m);
  // An access or refresh token is not an mfa_token, and an mfa_token is not an access token.
  expect_detail(second_step(c, m.user.tokens.token, m.recovery[0]), 401, kInvalidToken, "access");
  expect_detail(second_step(c, m.user.tokens.refresh, m.recovery[0]), 401, kInvalidToken,
                "refresh");
  expect_detail(c.get("/users/me", bearer(token)), 401, kInvalidToken, "mfa_token as access");
  // Another user's token with my own code: a wrong code for that user.
  expect_detail(second_step(c, mfa_token(c, other), m.recovery[1]), 400, kInvalidCode,
                "another user's token");
  // Expired: the same token re-signed (with the server's key) as if issued 10 minutes ago.
  auto claims = jwt_payload(token);
  const std::int64_t now = std::time(nullptr);
  claims["iat"] = now - 600;
  claims["exp"] = now - 300;
  const std::string expired = resign_hs256(token, claims, shared_server().env().at("SECRET_KEY"));
  expect_detail(second_step(c, expired, m.recovery[2]), 401, kExpiredToken, "expired");
  // A half-done sign-in dies when the password changes.
  const auto changed = c.request(
      "POST", "/users/" + std::to_string(m.user.id) + "/password", m.user.auth(),
      to_json(json::object{{"password", kOtherPassword}, {"current_password", kPassword}}));
  ASSERT_EQ(changed.status, 204) << changed.body;
  expect_detail(second_step(c, token, m.recovery[3]), 401, kInvalidToken, "password changed");
  // None of the refusals spent a recovery code.
  EXPECT_EQ(query_scalar(shared_server(),
                         "SELECT COUNT(*) FROM mfa_recovery_codes WHERE "
                         "used_at IS NULL AND user_id = " +
                             std::to_string(m.user.id)),
            "10");
}

TEST(Mfa, RecoveryCodesWorkOnceAndMailTheOwner) {
  auto c = client();
  MfaUser m = enrolled(shared_server(), c, "mfarecovery");
  ASSERT_EQ(m.recovery.size(), 10u);
  ASSERT_EQ(second_step(c, mfa_token(c, m), m.recovery[0]).status, 200);
  const auto mail = wait_for_email(shared_server(), m.user.email, kRecoverySubject);
  ASSERT_TRUE(mail);
  EXPECT_NE(mail->text.find("you have 9 left"), std::string::npos) << mail->text;
  expect_detail(second_step(c, mfa_token(c, m), m.recovery[0]), 400, kInvalidCode,
                "a recovery code used twice");
  // Typed in capitals without the hyphen: the same code.
  std::string typed = m.recovery[1];
  typed.erase(5, 1);
  for (auto& ch : typed) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(second_step(c, mfa_token(c, m), typed).status, 200);
  EXPECT_TRUE(wait_for_email(shared_server(), m.user.email, kRecoverySubject, 2));
}

TEST(Mfa, WrongCodesCountTowardTheLockout) {
  auto c = client();
  MfaUser m = enrolled(shared_server(), c, "mfalock");
  // LOCKOUT_THRESHOLD is 10: two mfa_tokens of five wrong codes each.
  for (int token = 0; token < 2; ++token) {
    const std::string t = mfa_token(c, m);
    for (int i = 0; i < 5; ++i) expect_detail(second_step(c, t, "000000"), 400, kInvalidCode);
  }
  EXPECT_TRUE(wait_for_email(shared_server(), m.user.email, "Your account has been locked"));
  expect_detail(login_request(c, m.user.email, m.user.password), 400, kWrongCredentials,
                "locked after wrong codes");
}

TEST(Mfa, EnrolmentAndRemovalRules) {
  auto c = client();
  MfaUser m;
  m.user = verified_login(shared_server(), c, "mfarules");
  const std::string t = m.user.tokens.token;
  expect_detail(confirm(c, t, "123456"), 400, "No two-factor enrolment is pending");
  expect_detail(disable(c, t, {{"password", kPassword}}), 400,
                "Two-factor authentication is not enabled");
  // A second enrolment replaces the first: the first secret's codes are nothing now.
  const auto first = start_enrolment(c, t);
  const auto second = start_enrolment(c, t);
  ASSERT_EQ(second.status, 200);
  MfaUser old_secret = m;
  old_secret.secret = field(first, "secret");
  expect_detail(confirm(c, t, fresh_code(old_secret)), 400, kInvalidCode, "previous secret");
  EXPECT_EQ(mfa_enabled_column(shared_server(), m.user.id), "off");
  // Another session of the same user, opened before TOTP is on.
  const Tokens earlier = login(c, m.user.email);
  m.secret = field(second, "secret");
  const auto confirmed = confirm(c, t, fresh_code(m));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  m.recovery = recovery_codes_of(confirmed);
  ASSERT_EQ(m.recovery.size(), 10u);
  expect_detail(start_enrolment(c, t), 400, "Two-factor authentication is already enabled");
  // Turning it on ended the other session (access and refresh); this one stays.
  expect_detail(c.get("/users/me", bearer(earlier.token)), 401, kInvalidToken);
  expect_detail(
      c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", earlier.refresh}})), 401,
      kInvalidToken);
  const auto refreshed =
      c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", m.user.tokens.refresh}}));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string current = field(refreshed, "token");

  // Disabling: exactly one of code and password, each checked.
  EXPECT_EQ(disable(c, current, {}).status, 422);
  EXPECT_EQ(disable(c, current, {{"code", "123456"}, {"password", kPassword}}).status, 422);
  expect_detail(disable(c, current, {{"password", "Wrong-Horse-99"}}), 400,
                "Current password is incorrect");
  expect_detail(disable(c, current, {{"code", "000000"}}), 400, kInvalidCode);
  EXPECT_EQ(mfa_enabled_column(shared_server(), m.user.id), "on");
  const Tokens second_session = [&] {
    const auto r = second_step(c, mfa_token(c, m), m.recovery[0]);
    return Tokens{field(r, "token"), field(r, "refresh")};
  }();
  const auto off = disable(c, current, {{"code", fresh_code(m)}});
  ASSERT_EQ(off.status, 204) << off.body;
  EXPECT_TRUE(wait_for_email(shared_server(), m.user.email, kDisabledSubject));
  EXPECT_EQ(mfa_enabled_column(shared_server(), m.user.id), "off");
  EXPECT_EQ(
      query_scalar(shared_server(), "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = " +
                                        std::to_string(m.user.id)),
      "0");
  expect_detail(c.get("/users/me", bearer(second_session.token)), 401, kInvalidToken,
                "the other session after disabling");
  EXPECT_EQ(c.get("/users/me", bearer(current)).status, 200);
  EXPECT_FALSE(login(c, m.user.email).token.empty());
}

TEST(Mfa, ApiKeysCannotTouchTheSecondFactor) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "mfakey");
  const auto created =
      c.request("POST", "/users/keys", u.auth(), to_json(json::object{{"name", "k"}}));
  ASSERT_EQ(created.status, 200) << created.body;
  const Headers key{{"X-API-Key", field(created, "key")}};
  const std::string signed_in = "This action requires a signed-in user";
  expect_detail(c.request("POST", "/users/me/mfa/totp", key, ""), 403, signed_in);
  expect_detail(c.request("POST", "/users/me/mfa/totp/confirm", key, R"({"code":"123456"})"), 403,
                signed_in);
  expect_detail(c.request("DELETE", "/users/me/mfa/totp", key, R"({"password":"x"})"), 403,
                signed_in);
  EXPECT_EQ(query_scalar(shared_server(),
                         "SELECT COUNT(*) FROM users WHERE mfa_secret IS NOT NULL AND id = " +
                             std::to_string(u.id)),
            "0");
}

TEST(Mfa, AdminAndCliTurnItOffForALostDevice) {
  auto c = client();
  const TestUser admin = make_admin(shared_server(), c, "mfaadmin");
  MfaUser m = enrolled(shared_server(), c, "mfalost");
  const std::string path = "/users/" + std::to_string(m.user.id) + "/mfa";
  const auto mfa_shown = [&] {
    const auto r = c.get("/users/?user_id=" + std::to_string(m.user.id), admin.auth());
    const auto v = parse_json(r.body);
    return v.is_object() && v.as_object().contains("mfa_enabled") && v.at("mfa_enabled").as_bool();
  };
  EXPECT_TRUE(mfa_shown()) << "UserResponse.mfa_enabled once TOTP is on";
  expect_detail(c.request("DELETE", path, m.user.auth(), ""), 403, "Forbidden");
  expect_detail(c.request("DELETE", "/users/99999999/mfa", admin.auth(), ""), 404,
                "This User does not exist");
  // Never with an API key (a key did not pass a second factor), and not on oneself.
  const auto key =
      c.request("POST", "/users/keys", admin.auth(), to_json(json::object{{"name", "admin key"}}));
  ASSERT_EQ(key.status, 200) << key.body;
  expect_detail(c.request("DELETE", path, {{"X-API-Key", field(key, "key")}}, ""), 403,
                "This action requires a signed-in user");
  expect_detail(
      c.request("DELETE", "/users/" + std::to_string(admin.id) + "/mfa", admin.auth(), ""), 400,
      "Use DELETE /users/me/mfa/totp to turn off your own two-factor authentication");
  EXPECT_TRUE(mfa_shown()) << "refusals changed nothing";
  ASSERT_EQ(c.request("DELETE", path, admin.auth(), "").status, 204);
  EXPECT_TRUE(wait_for_email(shared_server(), m.user.email, kDisabledSubject));
  EXPECT_FALSE(mfa_shown());
  // Every session of the user ended, the enrolling one included.
  expect_detail(c.get("/users/me", m.user.auth()), 401, kInvalidToken);
  EXPECT_FALSE(login(c, m.user.email).token.empty());
  // Again on a user without TOTP: nothing to do, still 204.
  EXPECT_EQ(c.request("DELETE", path, admin.auth(), "").status, 204);

  MfaUser n = enrolled(shared_server(), c, "mfacli");
  const auto reset = shared_server().run_command({"user", "mfa-reset", std::to_string(n.user.id)});
  EXPECT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_NE(reset.out.find("Two-factor authentication is off for User"), std::string::npos)
      << reset.out;
  EXPECT_EQ(mfa_enabled_column(shared_server(), n.user.id), "off");
  EXPECT_FALSE(login(c, n.user.email).token.empty());
  const auto unknown = shared_server().run_command({"user", "mfa-reset", "99999999"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("User not found"), std::string::npos) << unknown.err;
}

TEST(Mfa, NoOtherPathSkipsTheSecondFactor) {
  auto c = client();
  MfaUser m = enrolled(shared_server(), c, "mfapaths");
  // A password reset (JSON, then the HTML form) sets the password and issues no token.
  ASSERT_EQ(
      c.request("POST", "/forgot-password/", {}, to_json(json::object{{"email", m.user.email}}))
          .status,
      200);
  auto mail = wait_for_email(shared_server(), m.user.email, "Password Reset");
  ASSERT_TRUE(mail);
  const auto json_reset =
      c.request("POST", "/reset-password/", {},
                to_json(json::object{{"code", extract_link_code(*mail, "/reset-password/?code=")},
                                     {"new_password", kOtherPassword}}));
  EXPECT_EQ(json_reset.status, 200) << json_reset.body;
  EXPECT_EQ(json_reset.body.find("eyJ"), std::string::npos) << json_reset.body;
  m.user.password = kOtherPassword;
  EXPECT_FALSE(mfa_token(c, m).empty());

  ASSERT_EQ(
      c.request("POST", "/forgot-password/", {}, to_json(json::object{{"email", m.user.email}}))
          .status,
      200);
  mail = wait_for_email(shared_server(), m.user.email, "Password Reset", 2);
  ASSERT_TRUE(mail);
  const std::string code = extract_link_code(*mail, "/reset-password/?code=");
  const auto form =
      c.request("POST", "/reset-password/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                "code=" + percent_encode(code) + "&new_password=" + percent_encode(kPassword) +
                    "&confirm_password=" + percent_encode(kPassword));
  EXPECT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.body.find("eyJ"), std::string::npos);
  m.user.password = kPassword;
  EXPECT_FALSE(mfa_token(c, m).empty());
  // The reset ended every session, so no refresh token of before is left to use.
  expect_detail(
      c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", m.user.tokens.refresh}})),
      401, kInvalidToken);
}

TEST(MfaAdmins, RequiredForAdminsBlocksAdminAccessUntilEnrolled) {
  GatehouseProcess server({{"MFA_REQUIRED_FOR_ADMINS", "true"}});
  server.start();
  HttpClient c(server.port());
  const TestUser admin = make_admin(server, c, "mfareq");
  const std::string required = "Two-factor authentication is required for admin access";
  expect_detail(c.get("/users/", admin.auth()), 403, required, "admin route");
  expect_detail(c.get("/users/" + std::to_string(admin.id + 100000) + "/sessions", admin.auth()),
                403, required, "another user's sessions");
  // Acting as an admin on another user's resource needs it too; the signed-in rule of §2 comes
  // first for a key.
  const TestUser other = verified_login(server, c, "mfareqOther");
  expect_detail(c.request("PUT", "/users/" + std::to_string(other.id), admin.auth(),
                          to_json(json::object{{"first_name", "Renamed"}})),
                403, required, "owner-or-admin route on another user");
  const auto created =
      c.request("POST", "/users/keys", admin.auth(), to_json(json::object{{"name", "admin key"}}));
  ASSERT_EQ(created.status, 200) << created.body;
  const Headers key{{"X-API-Key", field(created, "key")}};
  expect_detail(c.get("/users/", key), 403, required, "the admin's API key");
  expect_detail(c.request("POST", "/users/" + std::to_string(other.id) + "/password", key,
                          to_json(json::object{{"password", kOtherPassword}})),
                403, "This action requires a signed-in user", "signed-in rule before TOTP");
  // Their own account still works, enrolment included.
  EXPECT_EQ(c.get("/users/me", admin.auth()).status, 200);
  MfaUser m;
  m.user = admin;
  const auto started = start_enrolment(c, admin.tokens.token);
  ASSERT_EQ(started.status, 200) << started.body;
  m.secret = field(started, "secret");
  ASSERT_EQ(confirm(c, admin.tokens.token, fresh_code(m)).status, 200);
  EXPECT_EQ(c.get("/users/", admin.auth()).status, 200);
  // The key made before TOTP was on (by whoever had the password then) is not trusted for
  // admin access; a key made now is.
  expect_detail(c.get("/users/", key), 403, required, "a key made before the enrolment");
  EXPECT_EQ(c.get("/users/me", key).status, 200) << "it still works for the admin's own account";
  const auto fresh_key = c.request("POST", "/users/keys", admin.auth(),
                                   to_json(json::object{{"name", "after enrolment"}}));
  ASSERT_EQ(fresh_key.status, 200) << fresh_key.body;
  EXPECT_EQ(c.get("/users/", {{"X-API-Key", field(fresh_key, "key")}}).status, 200);
  // A regular user is not concerned.
  const TestUser u = verified_login(server, c, "mfareqUser");
  EXPECT_EQ(c.get("/users/me", u.auth()).status, 200);
}

TEST(MfaLimits, LoginMfaIsRateLimitedPerAddress) {
  GatehouseProcess server({{"RATE_LIMIT_ENABLED", "true"}});
  server.start();
  HttpClient c(server.port());
  for (int i = 0; i < 5; ++i) {
    const auto r = second_step(c, "not.a.token", "123456");
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_TRUE(r.header("RateLimit-Limit"));
  }
  const auto limited = second_step(c, "not.a.token", "123456");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_TRUE(limited.header("Retry-After"));
}

}  // namespace
}  // namespace gatehouse::testing
