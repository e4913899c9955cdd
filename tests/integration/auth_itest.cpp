// Registration, verification, login, tokens, refresh, logout and password reset, acting as a
// client would (docs/http-api.md §2 "Authentication" to §4 "Auth routes"; the FastAPI
// template's auth routes with its security fixes).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

constexpr const char* kRegistered =
    R"({"message":"Registration received. Check your email to verify your account."})";

HttpClient client() { return HttpClient(shared_server().port()); }

HttpResponse me(HttpClient& c, const std::string& token) {
  return c.get("/users/me", bearer(token));
}

HttpResponse refresh(HttpClient& c, const std::string& refresh_token) {
  return c.request("POST", "/refresh/", {}, to_json(json::object{{"refresh", refresh_token}}));
}

void expect_invalid_token(const HttpResponse& r, const std::string& what) {
  EXPECT_EQ(r.status, 401) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), kInvalidToken) << what;
}

// ---------------------------------------------------------------- register

TEST(Register, NewAddressAnswers202AndSendsTheVerificationEmail) {
  auto c = client();
  const std::string email = unique_email("reg");
  const auto r = register_user(c, email);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, kRegistered);
  const auto mail = wait_for_email(shared_server(), email, kWelcomeSubject);
  ASSERT_TRUE(mail) << "no welcome email";
  EXPECT_FALSE(extract_link_code(*mail, "/verify/?code=").empty()) << mail->text;
  // Tokens are no longer handed out at registration.
  EXPECT_EQ(parse_json(r.body).as_object().size(), 1u);
}

TEST(Register, DoesNotRevealTakenEmails) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "taken");
  ASSERT_GT(u.id, 0);
  const auto again = register_user(c, u.email, "Another-Pass-77", "Other", "Person");
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, kRegistered);
  const auto notice = wait_for_email(server, u.email, kRegisterAttemptSubject);
  ASSERT_TRUE(notice) << "no registration-attempt email";
  EXPECT_NE(notice->text.find("already exists"), std::string::npos) << notice->text;
  // Exactly one welcome email: the taken address got the notice, not a second welcome.
  std::size_t welcomes = 0;
  for (const auto& e : read_emails(server, u.email)) {
    welcomes += e.subject.find(kWelcomeSubject) != std::string::npos;
  }
  EXPECT_EQ(welcomes, 1u);
  // The original password still works; the account was not touched.
  login(c, u.email, kPassword);
}

TEST(Register, InvalidBodiesAre422Lists) {
  auto c = client();
  const auto bad_email =
      c.request("POST", "/register/", {}, to_json(registration("not-an-email", kPassword)));
  EXPECT_EQ(bad_email.status, 422);
  EXPECT_EQ(validation_msg(bad_email, "email").rfind("value is not a valid email address", 0), 0u)
      << bad_email.body;

  const auto missing = c.request("POST", "/register/", {}, R"({"email":"a@example.com"})");
  EXPECT_EQ(missing.status, 422);
  for (const char* field : {"password", "first_name", "last_name"}) {
    EXPECT_EQ(validation_msg(missing, field), "Field required") << field << ": " << missing.body;
  }

  const auto long_first = c.request(
      "POST", "/register/", {},
      to_json(registration(unique_email("long"), kPassword, std::string(31, 'a'), "User")));
  EXPECT_EQ(long_first.status, 422);
  EXPECT_EQ(validation_msg(long_first, "first_name"), "String should have at most 30 characters")
      << long_first.body;
  const auto detail = parse_json(long_first.body).at("detail");
  ASSERT_TRUE(detail.is_array());
  const auto& e = detail.as_array().at(0).as_object();
  EXPECT_EQ(e.at("type"), "string_too_long");
  EXPECT_EQ(e.at("loc"), (json::array{"body", "first_name"}));

  const auto malformed = c.request("POST", "/register/", {}, "{\"email\":");
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(parse_json(malformed.body).at("detail").at(0).at("type"), "json_invalid");
}

TEST(Register, EmptyFirstNameIs400) {
  auto c = client();
  const auto r = register_user(c, unique_email("empty"), kPassword, "", "User");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(detail_of(r), "You must supply all fields and they cannot be empty");
}

TEST(Register, EachPasswordRuleIsReportedAs422) {
  auto c = client();
  const std::string local = "jonathan" + random_hex(3);
  const std::string email = local + "@example.com";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"Short-1a", "Password must be at least 12 characters"},
      {"Aa1!" + std::string(125, 'x'), "Password must be at most 128 characters"},
      {"correct-horse-9", "Password must contain an uppercase letter"},
      {"CORRECT-HORSE-9", "Password must contain a lowercase letter"},
      {"Correct-Horse-x", "Password must contain a digit"},
      {"CorrectHorse99", "Password must contain a symbol"},
      {"P030710p$e4o", "Password is too common"},  // in the bundled list, meets the classes
      {"X1!" + local, "Password must not contain your email"},
  };
  for (const auto& [password, message] : cases) {
    const auto r = register_user(c, email, password);
    EXPECT_EQ(r.status, 422) << password;
    EXPECT_EQ(validation_msg(r, "password"), "Value error, " + message)
        << password << ": " << r.body;
  }
  // Nothing was created: the address is still free and gets a welcome email.
  EXPECT_EQ(register_user(c, email).status, 202);
  EXPECT_TRUE(wait_for_email(shared_server(), email, kWelcomeSubject));
}

// Issue 9, item 9: "exämple.com" and its A-label "xn--exmple-cua.com" are one mailbox, so one
// account; mail goes to the ASCII form; a domain IDNA refuses is an invalid email.
TEST(Register, InternationalisedDomainFormsAreOneAccount) {
  auto& server = shared_server();
  auto c = client();
  const std::string local = "idn-" + random_hex(5);
  const std::string unicode = local + "@ex\xC3\xA4mple.com";  // U+00E4, as typed
  const std::string upper = local + "@EX\xC3\x84MPLE.COM";
  const std::string ascii = local + "@xn--exmple-cua.com";

  ASSERT_EQ(register_user(c, unicode).status, 202);
  const auto welcome = wait_for_email(server, ascii, kWelcomeSubject);
  ASSERT_TRUE(welcome) << "no welcome email addressed to " << ascii;
  EXPECT_TRUE(std::all_of(welcome->to.begin(), welcome->to.end(),
                          [](char ch) { return static_cast<unsigned char>(ch) < 0x80; }))
      << "To: " << welcome->to;

  // The A-label and an upper-case spelling find the same account: taken, still unverified,
  // so each gets a fresh link (docs/http-api.md §4, register) and nothing is created.
  EXPECT_EQ(register_user(c, ascii, "Another-Pass-77").status, 202);
  EXPECT_EQ(register_user(c, upper, "Another-Pass-77").status, 202);
  ASSERT_TRUE(wait_for_email(server, ascii, kWelcomeSubject, 3));
  EXPECT_EQ(query_scalar(server, "SELECT COUNT(*) FROM users WHERE email LIKE '" + local + "@%'"),
            "1");

  const std::string code = verify_code_for(server, ascii, 3);
  ASSERT_EQ(c.get("/verify/?code=" + percent_encode(code)).status, 204);
  // One account, the first password; any spelling of the address logs in to it.
  const Tokens t = login(c, ascii, kPassword);
  EXPECT_EQ(user_id_from_token(login(c, unicode, kPassword).token), user_id_from_token(t.token));
  EXPECT_EQ(user_id_from_token(login(c, upper, kPassword).token), user_id_from_token(t.token));
  EXPECT_EQ(login_request(c, ascii, "Another-Pass-77").status, 400);
  // The address is kept and shown as typed (Unicode), as the reference's email-validator does.
  EXPECT_EQ(parse_json(me(c, t.token).body).at("email"), json::value(unicode));

  for (const std::string& bad : {local + "@\xE2\x98\x83.com", local + "@xn--zz.com"}) {
    const auto r = register_user(c, bad);
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_EQ(validation_msg(r, "email")
                  .rfind("value is not a valid email address: The part after the @-sign is not "
                         "valid IDNA (",
                         0),
              0u)
        << r.body;
  }
}

// ---------------------------------------------------------------- verify

TEST(Verify, Answers204AndTheLinkIsSingleUse) {
  auto& server = shared_server();
  auto c = client();
  const std::string email = unique_email("verify");
  ASSERT_EQ(register_user(c, email).status, 202);
  const std::string code = verify_code_for(server, email);
  ASSERT_FALSE(code.empty());
  const auto first = c.get("/verify/?code=" + percent_encode(code));
  EXPECT_EQ(first.status, 204);
  EXPECT_EQ(first.body, "");
  // Seed #29: a second use (already verified) gives no more information than any failure.
  expect_invalid_token(c.get("/verify/?code=" + percent_encode(code)), "second use");
  login(c, email, kPassword);
}

TEST(Verify, RejectsGarbageAndOtherTokenTypes) {
  auto& server = shared_server();
  auto c = client();
  expect_invalid_token(c.get("/verify/?code=garbage"), "garbage");
  expect_invalid_token(c.get("/verify/?code=a.b.c"), "three parts");
  expect_invalid_token(c.get("/verify/"), "no code");
  const TestUser u = verified_login(server, c, "vtype");
  expect_invalid_token(c.get("/verify/?code=" + u.tokens.token), "access token as code");
  expect_invalid_token(c.get("/verify/?code=" + u.tokens.refresh), "refresh token as code");
}

TEST(Verify, ResendVerificationAnswersTheSameAndMailsOnlyUnverifiedUsers) {
  auto& server = shared_server();
  auto c = client();
  const std::string expected =
      R"({"message":"If that account exists and is not verified yet, a new verification email is on its way."})";
  auto resend = [&](const std::string& email) {
    return c.request("POST", "/resend-verification/", {}, to_json(json::object{{"email", email}}));
  };
  const std::string pending = unique_email("pending");
  ASSERT_EQ(register_user(c, pending).status, 202);
  const std::string first_code = verify_code_for(server, pending);
  const TestUser done = verified_login(server, c, "done");
  for (const auto& email : {pending, done.email, unique_email("ghost")}) {
    const auto r = resend(email);
    EXPECT_EQ(r.status, 202) << email;
    EXPECT_EQ(r.body, expected) << email;
  }
  const std::string second_code = verify_code_for(server, pending, 2);
  EXPECT_NE(second_code, first_code);
  EXPECT_EQ(resend("not-an-email").status, 422);
  // Earlier links stay valid until they expire; once verified, every link is spent.
  EXPECT_EQ(c.get("/verify/?code=" + percent_encode(first_code)).status, 204);
  expect_invalid_token(c.get("/verify/?code=" + percent_encode(second_code)), "after verify");
  std::size_t welcomes = 0;
  for (const auto& e : read_emails(server, done.email)) {
    welcomes += e.subject.find(kWelcomeSubject) != std::string::npos;
  }
  EXPECT_EQ(welcomes, 1u) << "a verified user gets no new link";
}

// ---------------------------------------------------------------- login

TEST(Login, UnverifiedUserIsTold) {
  auto c = client();
  const std::string email = unique_email("unverified");
  ASSERT_EQ(register_user(c, email).status, 202);
  const auto r = login_request(c, email, kPassword);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(detail_of(r), "You need to verify your Email before logging in");
}

TEST(Login, WrongPasswordAndUnknownEmailAnswerTheSame) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "wrongpw");
  const auto wrong = login_request(c, u.email, "Wrong-Horse-99");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(detail_of(wrong), kWrongCredentials);
  const auto unknown = login_request(c, unique_email("nobody"), kPassword);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(detail_of(unknown), kWrongCredentials);
  EXPECT_EQ(wrong.body, unknown.body);
}

TEST(Login, SuccessAnswersExactlyTokenAndRefreshUncached) {
  auto c = client();
  const std::string email = unique_email("okay");
  ASSERT_EQ(register_user(c, email).status, 202);
  const std::string code = verify_code_for(shared_server(), email);
  ASSERT_EQ(c.get("/verify/?code=" + percent_encode(code)).status, 204);
  const auto r = login_request(c, email, kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(keys_of(parse_json(r.body)), (std::vector<std::string>{"token", "refresh"}));
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  const auto claims = jwt_payload(std::string(parse_json(r.body).at("token").as_string()));
  EXPECT_EQ(claims.at("typ"), "access");
  EXPECT_TRUE(claims.at("sub").is_string()) << "sub is a string (docs/http-api.md §2)";
  EXPECT_TRUE(claims.contains("sid"));
  EXPECT_TRUE(claims.contains("jti"));
}

TEST(Login, LockoutAfterTenFailuresEvenForTheRightPassword) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "lockout");
  for (int i = 0; i < 10; ++i) {
    const auto r = login_request(c, u.email, "Wrong-Horse-99");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(detail_of(r), kWrongCredentials);
  }
  const auto right = login_request(c, u.email, kPassword);
  EXPECT_EQ(right.status, 400) << "a locked account refuses the right password";
  EXPECT_EQ(detail_of(right), kWrongCredentials);
  const auto mail = wait_for_email(server, u.email, kLockedSubject);
  ASSERT_TRUE(mail) << "no account-locked email";
  EXPECT_NE(mail->text.find("locked"), std::string::npos);
  // The session that existed before the lock is not affected.
  EXPECT_EQ(me(c, u.tokens.token).status, 200);
}

TEST(Login, PasswordOver128CharactersIs422) {
  auto c = client();
  const auto r = login_request(c, unique_email("long"), "Aa1!" + std::string(125, 'x'));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(validation_msg(r, "password"), "Value error, Password must be at most 128 characters")
      << r.body;
  // Login never applies the rest of the policy: a weak password is just wrong.
  const auto weak = login_request(c, unique_email("weak"), "x");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(detail_of(weak), kWrongCredentials);
}

// ---------------------------------------------------------------- tokens

TEST(Tokens, RefreshTokenIsNotAnAccessToken) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "seed1");
  EXPECT_EQ(me(c, u.tokens.token).status, 200);
  expect_invalid_token(me(c, u.tokens.refresh), "refresh token as bearer");
}

TEST(Tokens, MalformedOrForgedTokensAre401) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "seed13");
  const std::string& t = u.tokens.token;
  const auto dot1 = t.find('.');
  const auto dot2 = t.find('.', dot1 + 1);
  const std::string header = t.substr(0, dot1);
  const std::string payload = t.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string signature = t.substr(dot2 + 1);

  const std::string none_header = base64url_encode(R"({"alg":"none","typ":"JWT"})");
  expect_invalid_token(me(c, none_header + "." + payload + "."), "alg none, empty signature");
  expect_invalid_token(me(c, none_header + "." + payload + "." + signature), "alg none");
  const std::string hs512 = base64url_encode(R"({"alg":"HS512","typ":"JWT"})");
  expect_invalid_token(me(c, hs512 + "." + payload + "." + signature), "alg HS512");

  std::string tampered_sig = signature;
  tampered_sig[signature.size() / 2] = tampered_sig[signature.size() / 2] == 'A' ? 'B' : 'A';
  expect_invalid_token(me(c, header + "." + payload + "." + tampered_sig), "tampered signature");

  auto claims = jwt_payload(t);
  claims["sub"] = std::to_string(u.id + 1000);
  expect_invalid_token(me(c, header + "." + base64url_encode(to_json(claims)) + "." + signature),
                       "tampered payload");

  // Over 1024 bytes: rejected before any crypto work (docs/http-api.md §2 "JWT").
  auto big = jwt_payload(t);
  big["pad"] = std::string(1100, 'x');
  expect_invalid_token(me(c, header + "." + base64url_encode(to_json(big)) + "." + signature),
                       "over 1024 bytes");
  expect_invalid_token(me(c, header + "." + payload), "two parts");
  expect_invalid_token(me(c, t + ".extra"), "four parts");
  expect_invalid_token(me(c, "not-a-jwt"), "one part");
  expect_invalid_token(me(c, header + "." + payload + "." + signature + "!"), "bad characters");
  EXPECT_EQ(me(c, t).status, 200) << "the genuine token still works";
}

// ---------------------------------------------------------------- refresh

TEST(Refresh, RotatesAndReuseRevokesTheWholeSession) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "rotate");
  const auto first = refresh(c, u.tokens.refresh);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("Cache-Control"), "no-store");
  const auto pair = parse_json(first.body);
  EXPECT_EQ(keys_of(pair), (std::vector<std::string>{"token", "refresh"}));
  const std::string token2(pair.at("token").as_string());
  const std::string refresh2(pair.at("refresh").as_string());
  EXPECT_NE(token2, u.tokens.token);
  EXPECT_NE(refresh2, u.tokens.refresh);
  EXPECT_EQ(me(c, token2).status, 200);

  // The spent refresh token comes back: reuse detection ends the session.
  expect_invalid_token(refresh(c, u.tokens.refresh), "spent refresh token");
  expect_invalid_token(me(c, token2), "access token of the revoked session");
  expect_invalid_token(me(c, u.tokens.token), "first access token of the revoked session");
  expect_invalid_token(refresh(c, refresh2), "newest refresh token of the revoked session");
  // Another login still works.
  login(c, u.email, kPassword);
}

TEST(Refresh, GarbageAndAccessTokensAre401) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "refgarbage");
  expect_invalid_token(refresh(c, "invalid_refresh_token"), "garbage");
  expect_invalid_token(refresh(c, u.tokens.token), "access token");
  const auto too_long = refresh(c, std::string(1025, 'a'));
  EXPECT_EQ(too_long.status, 422);
  const auto missing = c.request("POST", "/refresh/", {}, "{}");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(validation_msg(missing, "refresh"), "Field required");
}

TEST(Refresh, BannedUsersRefreshTokenIs401) {
  auto& server = shared_server();
  auto c = client();
  const TestUser admin = make_admin(server, c, "refadmin");
  const TestUser u = verified_login(server, c, "refbanned");
  ASSERT_EQ(c.request("POST", "/users/" + std::to_string(u.id) + "/ban", admin.auth()).status, 204);
  expect_invalid_token(refresh(c, u.tokens.refresh), "refresh of a banned user");
}

// ---------------------------------------------------------------- logout

TEST(Logout, EndsTheCurrentSessionAtOnce) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "logout");
  const Tokens other = login(c, u.email, kPassword);
  const auto r = c.request("POST", "/logout/", u.auth());
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  expect_invalid_token(me(c, u.tokens.token), "logged-out access token");
  expect_invalid_token(refresh(c, u.tokens.refresh), "logged-out refresh token");
  EXPECT_EQ(me(c, other.token).status, 200) << "the other session stays";
  const auto anonymous = c.request("POST", "/logout/");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(detail_of(anonymous), kNotAuthenticated);
}

TEST(Logout, AllEndsEverySessionOfTheUser) {
  auto& server = shared_server();
  auto c = client();
  const TestUser u = verified_login(server, c, "logoutall");
  const Tokens second = login(c, u.email, kPassword);
  const TestUser bystander = verified_login(server, c, "bystander");
  EXPECT_EQ(c.request("POST", "/logout/all", bearer(second.token)).status, 204);
  expect_invalid_token(me(c, u.tokens.token), "first session");
  expect_invalid_token(me(c, second.token), "second session");
  expect_invalid_token(refresh(c, u.tokens.refresh), "first refresh");
  expect_invalid_token(refresh(c, second.refresh), "second refresh");
  EXPECT_EQ(me(c, bystander.tokens.token).status, 200) << "other users are not affected";
  const Tokens fresh = login(c, u.email, kPassword);
  EXPECT_EQ(me(c, fresh.token).status, 200) << "a new login works right away";
}

// ---------------------------------------------------------------- /users/me and credentials

TEST(Me, AnswersExactlyThreeFields) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "me");
  const auto r = me(c, u.tokens.token);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse_json(r.body),
            (json::object{{"email", u.email}, {"first_name", "Test"}, {"last_name", "User"}}));
  EXPECT_EQ(keys_of(parse_json(r.body)),
            (std::vector<std::string>{"email", "first_name", "last_name"}));
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
}

TEST(Me, NoCredentialsIs401WithABearerChallenge) {
  auto c = client();
  const auto r = c.get("/users/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(detail_of(r), kNotAuthenticated);
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
  // A non-bearer Authorization header is no credential at all.
  const auto basic = c.get("/users/me", {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(detail_of(basic), kNotAuthenticated);
}

TEST(Me, InvalidApiKeyNextToAValidBearerIs401) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "apikey");
  auto headers = u.auth();
  headers.emplace_back("X-API-Key", "pk_" + std::string(43, 'A'));
  const auto r = c.get("/users/me", headers);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(detail_of(r), "Invalid API key");
  const auto junk = c.get("/users/me", {{"X-API-Key", "junk"}});
  EXPECT_EQ(junk.status, 401);
  EXPECT_EQ(detail_of(junk), "Invalid API key");
}

// ---------------------------------------------------------------- forgot / reset

HttpResponse forgot(HttpClient& c, const std::string& email) {
  return c.request("POST", "/forgot-password/", {}, to_json(json::object{{"email", email}}));
}

std::string reset_code_for(const std::string& email, std::size_t min_count = 1) {
  const auto mail = wait_for_email(shared_server(), email, kResetSubject, min_count);
  if (!mail) {
    ADD_FAILURE() << "no reset email to " << email;
    return "";
  }
  return extract_link_code(*mail, "/reset-password/?code=");
}

HttpResponse reset_json(HttpClient& c, const std::string& code, const std::string& password) {
  return c.request("POST", "/reset-password/", {},
                   to_json(json::object{{"code", code}, {"new_password", password}}));
}

TEST(ForgotPassword, AnswersTheSameForKnownAndUnknownEmails) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "forgot");
  const std::string expected = R"({"message":"Password reset email sent if user exists"})";
  const auto known = forgot(c, u.email);
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(known.body, expected);
  const std::string stranger = unique_email("stranger");
  const auto unknown = forgot(c, stranger);
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.body, expected);
  EXPECT_FALSE(reset_code_for(u.email).empty());
  EXPECT_TRUE(read_emails(shared_server(), stranger).empty());
  EXPECT_EQ(forgot(c, "not-an-email").status, 422);
}

TEST(ResetPassword, CodeIsSingleUseAndEndsEverySession) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "seed9");
  const Tokens second = login(c, u.email, kPassword);
  ASSERT_EQ(forgot(c, u.email).status, 200);
  const std::string code = reset_code_for(u.email);
  ASSERT_FALSE(code.empty());

  const auto r = reset_json(c, code, kOtherPassword);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"message":"Password successfully reset"})");
  expect_invalid_token(reset_json(c, code, "Third-Password-3!"), "second use of the code");

  expect_invalid_token(me(c, u.tokens.token), "first session after reset");
  expect_invalid_token(me(c, second.token), "second session after reset");
  expect_invalid_token(refresh(c, second.refresh), "refresh after reset");

  const auto old_pw = login_request(c, u.email, kPassword);
  EXPECT_EQ(old_pw.status, 400);
  EXPECT_EQ(detail_of(old_pw), kWrongCredentials);
  const Tokens fresh = login(c, u.email, kOtherPassword);
  EXPECT_EQ(me(c, fresh.token).status, 200);
  EXPECT_TRUE(wait_for_email(shared_server(), u.email, kPasswordChangedSubject))
      << "a reset emails a notice";
}

TEST(ResetPassword, JsonErrors) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "resetjson");
  const std::string invalid_data = R"({"detail":"Invalid request data"})";
  const auto malformed = c.request("POST", "/reset-password/", {}, "{not json");
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(malformed.body, invalid_data);
  const auto missing = c.request("POST", "/reset-password/", {}, R"({"code":"a.b.c"})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.body, invalid_data);
  expect_invalid_token(reset_json(c, "garbage", kOtherPassword), "garbage code");
  expect_invalid_token(reset_json(c, u.tokens.token, kOtherPassword), "access token as code");

  ASSERT_EQ(forgot(c, u.email).status, 200);
  const std::string code = reset_code_for(u.email);
  const auto weak = reset_json(c, code, "weak");
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(validation_msg(weak, "new_password"),
            "Value error, Password must be at least 12 characters")
      << weak.body;
  // The policy failure did not spend the code.
  EXPECT_EQ(reset_json(c, code, kOtherPassword).status, 200);
}

TEST(ResetPassword, HtmlFormAndFormPost) {
  auto c = client();
  const TestUser u = verified_login(shared_server(), c, "resethtml");
  ASSERT_EQ(forgot(c, u.email).status, 200);
  const std::string code = reset_code_for(u.email);
  ASSERT_FALSE(code.empty());

  const auto form = c.get("/reset-password/?code=" + percent_encode(code));
  EXPECT_EQ(form.status, 200);
  EXPECT_EQ(form.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(form.header("Cache-Control"), "no-store");
  EXPECT_EQ(form.header("Referrer-Policy"), "no-referrer");
  EXPECT_NE(form.body.find(code), std::string::npos) << "the code rides in the form";
  EXPECT_NE(form.body.find("new_password"), std::string::npos);
  EXPECT_EQ(form.body.find(kInvalidToken), std::string::npos);

  const auto no_code = c.get("/reset-password/");
  EXPECT_EQ(no_code.status, 200);
  EXPECT_NE(no_code.body.find("Reset code is required"), std::string::npos);
  const auto bad_code = c.get("/reset-password/?code=garbage");
  EXPECT_EQ(bad_code.status, 200);
  EXPECT_NE(bad_code.body.find(kInvalidToken), std::string::npos);

  const Headers form_ct{{"Content-Type", "application/x-www-form-urlencoded"}};
  const auto empty = c.request("POST", "/reset-password/", form_ct, "code=&new_password=");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("All fields are required"), std::string::npos);
  // %00 in the password is refused and does not spend the code.
  const auto nul = c.request("POST", "/reset-password/", form_ct,
                             "code=" + percent_encode(code) + "&new_password=Abc%00def-123!");
  EXPECT_EQ(nul.status, 400);
  EXPECT_NE(nul.body.find("Password must not contain NUL characters"), std::string::npos);

  const std::string body = "code=" + percent_encode(code) +
                           "&new_password=" + percent_encode(kOtherPassword) +
                           "&confirm_password=" + percent_encode(kOtherPassword);
  const auto done = c.request("POST", "/reset-password/", form_ct, body);
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(done.header("Cache-Control"), "no-store");
  EXPECT_NE(done.body.find("Your password has been successfully reset"), std::string::npos);
  const auto again = c.request("POST", "/reset-password/", form_ct, body);
  EXPECT_EQ(again.status, 400) << "the code is spent";
  EXPECT_NE(again.body.find(kInvalidToken), std::string::npos);
  login(c, u.email, kOtherPassword);
}

TEST(ResetPassword, FrontendUrlRedirects) {
  GatehouseProcess server({{"FRONTEND_URL", "https://app.example.com"}});
  server.start();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c, "frontend");
  ASSERT_EQ(forgot(c, u.email).status, 200);
  const auto mail = wait_for_email(server, u.email, kResetSubject);
  ASSERT_TRUE(mail);
  const std::string code = extract_link_code(*mail, "/reset-password/?code=");
  const auto r = c.get("/reset-password/?code=" + percent_encode(code));
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("Location"), "https://app.example.com/reset-password?code=" + code);
  // No code: the form with its error, no redirect.
  EXPECT_EQ(c.get("/reset-password/").status, 200);
}

// ------------------------------------------------- timing: unknown email costs a hash

TEST(LoginTiming, UnknownEmailCostsTheSameAsAWrongPassword) {
  // Real hash cost so the hash dominates; no lockout to get in the way of 20 failures.
  GatehouseProcess server(
      {{"ARGON2_MEMORY_KIB", "19456"}, {"ARGON2_ITERATIONS", "2"}, {"LOCKOUT_THRESHOLD", "1000"}});
  server.start();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c, "timing");
  ASSERT_GT(u.id, 0);
  const std::string unknown = unique_email("ghost");
  auto timed = [&](const std::string& email) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = login_request(c, email, "Wrong-Horse-99");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(detail_of(r), kWrongCredentials);
    return ms;
  };
  for (int i = 0; i < 3; ++i) {  // warm up both paths
    timed(unknown);
    timed(u.email);
  }
  // The residual difference is the database round trips after the hash, which on a small
  // shared machine can swing a single run of 20 past the bound; a real leak (no dummy hash,
  // or a cheaper one) fails every attempt by far.
  std::string report;
  bool within = false;
  for (int attempt = 0; attempt < 3 && !within; ++attempt) {
    std::vector<double> unknown_ms, wrong_ms;
    for (int i = 0; i < 20; ++i) {  // interleaved, so drift hits both alike
      unknown_ms.push_back(timed(unknown));
      wrong_ms.push_back(timed(u.email));
    }
    const double a = median(unknown_ms);
    const double b = median(wrong_ms);
    report += "median unknown email " + std::to_string(a) + " ms, wrong password " +
              std::to_string(b) + " ms\n";
    within = std::abs(a - b) <= 0.2 * std::max(a, b);
  }
  std::printf("%s", report.c_str());
  EXPECT_TRUE(within) << report;
}

}  // namespace
}  // namespace gatehouse::testing
