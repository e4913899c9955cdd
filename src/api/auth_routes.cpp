// Authentication routes (docs/http-api.md §4 "Auth routes"): parse, one service call, render.
#include "api/access.hpp"
#include "api/body_reader.hpp"
#include "api/json_body.hpp"
#include "api/limited_route.hpp"
#include "api/query_reader.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "core/email_address.hpp"
#include "core/html_template.hpp"
#include "http/error_response.hpp"
#include "http/json_text.hpp"
#include "services/scopes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;
using services::Principal;

constexpr const char* kRegistered =
    "Registration received. Check your email to verify your account.";
constexpr const char* kResent =
    "If that account exists and is not verified yet, a new verification email is on its way.";
constexpr const char* kLoginBcryptMessage =
    "Password must be 72 bytes or fewer when encoded as UTF-8. If this is an older account, "
    "reset your password before logging in.";

const FieldSet kRegisterBody{
    .schema_name = "UserRegisterRequest",
    .fields = {{.name = "email", .type = FieldType::kEmail, .required = true},
               {.name = "password",
                .type = FieldType::kPassword,
                .required = true,
                .description = "Checked against the password policy (docs/authentication.md)."},
               {.name = "first_name", .required = true, .max_length = 30},
               {.name = "last_name", .required = true, .max_length = 50}}};

const FieldSet kLoginBody{
    .schema_name = "UserLoginRequest",
    .fields = {{.name = "email", .type = FieldType::kEmail, .required = true},
               {.name = "password", .type = FieldType::kPassword, .required = true}}};

const FieldSet kRefreshBody{
    .schema_name = "TokenRefreshRequest",
    .fields = {{.name = "refresh",
                .required = true,
                .max_length = 1024,
                .description = "The refresh token of the pair to rotate."}}};

const FieldSet kLoginMfaBody{
    .schema_name = "LoginMfaRequest",
    .fields = {{.name = "mfa_token",
                .required = true,
                .max_length = 1024,
                .description = "The mfa_token answered by POST /login/."},
               {.name = "code",
                .required = true,
                .max_length = 32,
                .description = "A current 6-digit TOTP code, or an unused recovery code."}}};

const FieldSet kEmailBody{
    .schema_name = "EmailRequest",
    .fields = {{.name = "email", .type = FieldType::kEmail, .required = true}}};

const FieldSet kVerifyQuery{
    .fields = {{.name = "code", .fallback = R"("")", .description = "The code from the email."}}};

services::ClientInfo client_of(const Request& req) {
  const auto ua = req.headers.get("User-Agent");
  return {req.client_ip,
          ua ? http::valid_utf8_prefix(*ua, http::kStoredUserAgentBytes) : std::string()};
}

struct RegisterRequest {
  services::RegisterInput in;
};

Result<RegisterRequest> read_register(const ApiContext&, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto email = r.required_email("email");
  auto password = r.required_string("password");
  auto first = r.required_string("first_name");
  auto last = r.required_string("last_name");
  if (Status s = r.finish(); !s) return s.error();
  return RegisterRequest{{*email, *password, *first, *last}};
}

Result<Response> do_register(const ApiContext& ctx, Request&, RegisterRequest& r,
                             const Principal*) {
  if (r.in.first_name.empty() || r.in.last_name.empty()) {
    return Error::invalid_input("You must supply all fields and they cannot be empty");
  }
  if (Status s = ctx.auth.register_user(r.in); !s) return s.error();
  return message_response(202, kRegistered);
}

struct LoginRequest {
  std::string email;
  std::string password;
  // Limited per client address and per account.
  LimitSubject limit_subject() const { return {.email = email}; }
};

Result<LoginRequest> read_login(const ApiContext& ctx, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto email = r.required_email("email");
  auto password = r.required_string("password");
  if (password) {
    const bool bcrypt = ctx.settings.auth.password_hash == "bcrypt";
    std::size_t chars = 0;
    for (char c : *password) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (bcrypt && password->size() > 72) {
      r.value_error("password", kLoginBcryptMessage);
    } else if (chars > static_cast<std::size_t>(ctx.settings.auth.password_max_length)) {
      r.value_error("password", "Password must be at most " +
                                    std::to_string(ctx.settings.auth.password_max_length) +
                                    " characters");
    }
  }
  if (Status s = r.finish(); !s) return s.error();
  return LoginRequest{*email, *password};
}

Result<Response> do_login(const ApiContext& ctx, Request& req, LoginRequest& in, const Principal*) {
  if (in.password.empty()) return Error::invalid_input("Invalid password format");
  services::HashPool::Clock::time_point not_before{};
  auto signed_in = ctx.auth.login(in.email, in.password, client_of(req), &not_before);
  if (!signed_in) {
    // A refusal is held back until not_before by the transport (services/login_timing.hpp);
    // server errors go on to the pipeline, which logs them.
    if (http::http_status(signed_in.error().code) >= 500) return signed_in.error();
    http::Response refused = http::error_response(signed_in.error());
    refused.not_before = not_before;
    return refused;
  }
  if (signed_in->mfa_required()) {
    auto r = Response::json(200, boost::json::serialize(boost::json::object{
                                     {"mfa_required", true}, {"mfa_token", signed_in->mfa_token}}));
    no_store(r);
    return r;
  }
  return token_response(signed_in->tokens);
}

struct LoginMfaRequest {
  std::string mfa_token;
  std::string code;
};

Result<LoginMfaRequest> read_login_mfa(const ApiContext&, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto token = r.required_string("mfa_token");
  auto code = r.required_string("code");
  if (Status s = r.finish(); !s) return s.error();
  return LoginMfaRequest{*token, *code};
}

Result<Response> do_login_mfa(const ApiContext& ctx, Request& req, LoginMfaRequest& in,
                              const Principal*) {
  auto pair = ctx.auth.login_mfa(in.mfa_token, in.code, client_of(req));
  if (!pair) return pair.error();
  return token_response(*pair);
}

struct RefreshRequest {
  std::string token;
};

Result<RefreshRequest> read_refresh(const ApiContext&, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto token = r.required_string("refresh");
  if (Status s = r.finish(); !s) return s.error();
  return RefreshRequest{*token};
}

Result<Response> do_refresh(const ApiContext& ctx, Request&, RefreshRequest& in, const Principal*) {
  auto pair = ctx.auth.refresh(in.token);
  if (!pair) return pair.error();
  return token_response(*pair);
}

Result<Response> do_logout(const ApiContext& ctx, const services::Principal& p, bool all) {
  Status s = all ? ctx.auth.logout_all(p) : ctx.auth.logout(p);
  if (!s) return s.error();
  return Response::no_content();
}

struct VerifyRequest {
  std::string code;
};

Result<VerifyRequest> read_verify(const ApiContext&, Request& req, const Principal*) {
  QueryReader q(req);
  std::string code = q.string_or_default("code");
  if (Status s = q.finish(); !s) return s.error();
  return VerifyRequest{std::move(code)};
}

Result<Response> do_verify(const ApiContext& ctx, Request&, VerifyRequest& in, const Principal*) {
  if (Status s = ctx.auth.verify_email(in.code); !s) return s.error();
  return Response::no_content();
}

struct EmailRequest {
  std::string email;
};

Result<EmailRequest> read_email(const ApiContext&, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto email = r.required_email("email");
  if (Status s = r.finish(); !s) return s.error();
  return EmailRequest{*email};
}

// Both are carried out in the background: the answer costs the same whether the address exists.
Result<Response> do_resend(const ApiContext& ctx, Request&, EmailRequest& in, const Principal*) {
  ctx.mail_requests.submit(services::MailRequests::Kind::kVerification, in.email);
  return message_response(202, kResent);
}

Result<Response> do_forgot(const ApiContext& ctx, Request&, EmailRequest& in, const Principal*) {
  ctx.mail_requests.submit(services::MailRequests::Kind::kPasswordReset, in.email);
  return message_response(200, "Password reset email sent if user exists");
}

}  // namespace

void register_auth_routes(http::Router& router, const ApiContext& ctx) {
  const std::string& root = ctx.settings.api_root;
  const http::RouteOptions hashes{.password_hashing = true};
  constexpr std::string_view kTag = "Authentication";
  add_limited(router, ctx, "POST", root + "/register/",
              {.tag = kTag,
               .summary = "Register a new user",
               .description = "Creates an unverified account and emails a verification link. "
                              "A taken address gets the same answer (and its owner an email).",
               .body = &kRegisterBody,
               .replies = {{202, "Registration received", "Message"}},
               .errors = {ErrorCode::kInvalidInput}},
              {{"register"}}, read_register, do_register, hashes);
  add_limited(router, ctx, "POST", root + "/login/",
              {.tag = kTag,
               .summary = "Sign in with email and password",
               .description = "Answers an access token and a refresh token, and starts a session. "
                              "With two-factor authentication on, answers instead an mfa_token "
                              "for POST /login/mfa/ (mfa_required true), and no session yet.",
               .body = &kLoginBody,
               .replies = {{200, "Signed in, or the second factor is asked for", "LoginResponse"}},
               .errors = {ErrorCode::kInvalidCredentials, ErrorCode::kEmailNotVerified,
                          ErrorCode::kInvalidInput, ErrorCode::kMfaState}},
              {{"login"}, {"login_email", LimitKey::kEmail}}, read_login, do_login, hashes);
  add_limited(router, ctx, "POST", root + "/login/mfa/",
              {.tag = kTag,
               .summary = "Complete a sign-in with a TOTP or recovery code",
               .description = "Answers the token pair and starts the session. The mfa_token "
                              "works once: a success or its fifth wrong code spends it. Wrong "
                              "codes count toward the account lockout.",
               .body = &kLoginMfaBody,
               .replies = {{200, "Signed in", "TokenResponse"}},
               .errors = {ErrorCode::kInvalidMfaCode, ErrorCode::kTokenInvalid,
                          ErrorCode::kTokenExpired, ErrorCode::kMfaState, ErrorCode::kUnavailable}},
              {{"login_mfa"}}, read_login_mfa, do_login_mfa);
  add_limited(router, ctx, "POST", root + "/refresh/",
              {.tag = kTag,
               .summary = "Rotate a refresh token",
               .description = "Answers a new pair; the refresh token sent is spent. Sending a "
                              "spent one again ends its session (reuse detection).",
               .body = &kRefreshBody,
               .replies = {{200, "A new token pair", "TokenResponse"}},
               .errors = {ErrorCode::kTokenInvalid, ErrorCode::kTokenExpired,
                          ErrorCode::kRefreshTokenReused}},
              {{"refresh"}}, read_refresh, do_refresh);
  // Logout ends sessions: an API key needs sessions:write (docs/http-api.md §2).
  const Access end_sessions{.scope = services::kScopeSessionsWrite};
  add_protected(
      router, ctx, "POST", root + "/logout/", end_sessions,
      {.tag = kTag,
       .summary = "End this session",
       .description = "Its access and refresh tokens stop working at once.",
       .replies = {{204, "Signed out"}}},
      [&ctx](Request&, const services::Principal& p) { return do_logout(ctx, p, false); });
  add_protected(router, ctx, "POST", root + "/logout/all", end_sessions,
                {.tag = kTag,
                 .summary = "End every session of this user",
                 .replies = {{204, "Signed out everywhere"}}},
                [&ctx](Request&, const services::Principal& p) { return do_logout(ctx, p, true); });
  add_limited(router, ctx, "GET", root + "/verify/",
              {.tag = kTag,
               .summary = "Verify an email address",
               .query = &kVerifyQuery,
               .replies = {{204, "User successfully verified"}},
               .errors = {ErrorCode::kTokenInvalid, ErrorCode::kUserNotFound}},
              {{"verify"}}, read_verify, do_verify);
  add_limited(router, ctx, "POST", root + "/resend-verification/",
              {.tag = kTag,
               .summary = "Send the verification email again",
               .description = "The same answer whether or not the account exists.",
               .body = &kEmailBody,
               .replies = {{202, "Accepted", "Message"}}},
              {{"resend_verification"}}, read_email, do_resend);
  add_limited(router, ctx, "POST", root + "/forgot-password/",
              {.tag = kTag,
               .summary = "Email a password-reset link",
               .description = "The same answer whether or not the account exists.",
               .body = &kEmailBody,
               .replies = {{200, "Accepted", "Message"}}},
              {{"forgot_password"}}, read_email, do_forgot);
}

}  // namespace gatehouse::api
