// Authentication routes (docs/http-api.md §4 "Auth routes"): parse, one service call, render.
#include "api/access.hpp"
#include "api/body_reader.hpp"
#include "api/json_body.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "core/email_address.hpp"
#include "core/html_template.hpp"
#include "http/error_response.hpp"
#include "services/scopes.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;

constexpr const char* kRegistered =
    "Registration received. Check your email to verify your account.";
constexpr const char* kResent =
    "If that account exists and is not verified yet, a new verification email is on its way.";
constexpr const char* kLoginBcryptMessage =
    "Password must be 72 bytes or fewer when encoded as UTF-8. If this is an older account, "
    "reset your password before logging in.";

services::ClientInfo client_of(const Request& req) {
  const auto ua = req.headers.get("User-Agent");
  return {req.client_ip, ua ? std::string(*ua) : std::string()};
}

Result<Response> do_register(const ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
  auto email = r.required_email("email");
  auto password = r.required_string("password");
  auto first = r.required_string("first_name", -1, 30);
  auto last = r.required_string("last_name", -1, 50);
  if (password && email) {
    if (auto problem = ctx.auth.password_problem(*password, *email)) {
      r.value_error("password", *problem);
    }
  }
  if (Status s = r.finish(); !s) return s.error();
  // As the reference, only requests that pass validation count toward the limit.
  auto limit = ctx.limits.hit("register", req.client_ip);
  if (!limit) return limit.error();
  if (first->empty() || last->empty()) {
    return with_rate_headers(
        Error::bad_request("You must supply all fields and they cannot be empty"), *limit);
  }
  if (Status s = ctx.auth.register_user({*email, *password, *first, *last}); !s) {
    return with_rate_headers(s.error(), *limit);
  }
  return with_rate_headers(message_response(202, kRegistered), *limit);
}

Result<Response> do_login(const ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
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
  auto by_ip = ctx.limits.hit("login", req.client_ip);
  if (!by_ip) return by_ip.error();
  auto by_email = ctx.limits.hit("login_email", *email);
  if (!by_email) return by_email.error();
  if (password->empty()) {
    return with_rate_headers(Error::bad_request("Invalid password format"), *by_ip);
  }
  services::HashPool::Clock::time_point not_before{};
  auto pair = ctx.auth.login(*email, *password, client_of(req), &not_before);
  if (!pair) {
    // A refusal is held back until not_before by the transport (services/login_timing.hpp);
    // server errors go on to the pipeline, which logs them.
    if (http::http_status(pair.error().code) >= 500) return pair.error();
    http::Response refused = http::error_response(pair.error());
    add_rate_headers(refused, *by_ip);
    refused.not_before = not_before;
    return refused;
  }
  return with_rate_headers(token_response(*pair), *by_ip);
}

Result<Response> do_refresh(const ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
  auto token = r.required_string("refresh", -1, 1024);
  if (Status s = r.finish(); !s) return s.error();
  auto limit = ctx.limits.hit("refresh", req.client_ip);
  if (!limit) return limit.error();
  auto pair = ctx.auth.refresh(*token);
  if (!pair) return with_rate_headers(pair.error(), *limit);
  return with_rate_headers(token_response(*pair), *limit);
}

Result<Response> do_logout(const ApiContext& ctx, const services::Principal& p, bool all) {
  Status s = all ? ctx.auth.logout_all(p) : ctx.auth.logout(p);
  if (!s) return s.error();
  return Response::no_content();
}

Result<Response> do_verify(const ApiContext& ctx, Request& req) {
  auto limit = ctx.limits.hit("verify", req.client_ip);
  if (!limit) return limit.error();
  const std::string code = req.query_param("code").value_or("");
  if (Status s = ctx.auth.verify_email(code); !s) return with_rate_headers(s.error(), *limit);
  return with_rate_headers(Response::no_content(), *limit);
}

Result<Response> do_resend(const ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
  auto email = r.required_email("email");
  if (Status s = r.finish(); !s) return s.error();
  auto limit = ctx.limits.hit("resend_verification", req.client_ip);
  if (!limit) return limit.error();
  // Carried out in the background: the answer costs the same whether the address exists.
  ctx.mail_requests.submit(services::MailRequests::Kind::kVerification, *email);
  auto resp = message_response(202, kResent);
  add_rate_headers(resp, *limit);
  return resp;
}

Result<Response> do_forgot(const ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
  auto email = r.required_email("email");
  if (Status s = r.finish(); !s) return s.error();
  auto limit = ctx.limits.hit("forgot_password", req.client_ip);
  if (!limit) return limit.error();
  // Carried out in the background: the answer costs the same whether the address exists.
  ctx.mail_requests.submit(services::MailRequests::Kind::kPasswordReset, *email);
  auto resp = message_response(200, "Password reset email sent if user exists");
  add_rate_headers(resp, *limit);
  return resp;
}

}  // namespace

Response reset_page(const ApiContext& ctx, int status, const std::string& page,
                    const std::string& code, const std::string& error);

Result<Response> reset_form(const ApiContext& ctx, Request& req);
Result<Response> reset_submit(const ApiContext& ctx, Request& req);

void register_auth_routes(http::Router& router, const ApiContext& ctx) {
  const std::string& root = ctx.settings.api_root;
  const http::RouteOptions hashes{.password_hashing = true};
  router.add(
      "POST", root + "/register/", [&ctx](Request& r) { return do_register(ctx, r); }, hashes);
  router.add(
      "POST", root + "/login/", [&ctx](Request& r) { return do_login(ctx, r); }, hashes);
  router.add("POST", root + "/refresh/", [&ctx](Request& r) { return do_refresh(ctx, r); });
  // Logout ends sessions: an API key needs sessions:write (docs/http-api.md §2).
  const Access end_sessions{.scope = services::kScopeSessionsWrite};
  add_protected(
      router, ctx, "POST", root + "/logout/", end_sessions,
      [&ctx](Request&, const services::Principal& p) { return do_logout(ctx, p, false); });
  add_protected(router, ctx, "POST", root + "/logout/all", end_sessions,
                [&ctx](Request&, const services::Principal& p) { return do_logout(ctx, p, true); });
  router.add("GET", root + "/verify/", [&ctx](Request& r) { return do_verify(ctx, r); });
  router.add("POST", root + "/resend-verification/",
             [&ctx](Request& r) { return do_resend(ctx, r); });
  router.add("POST", root + "/forgot-password/", [&ctx](Request& r) { return do_forgot(ctx, r); });
  router.add("GET", root + "/reset-password/", [&ctx](Request& r) { return reset_form(ctx, r); });
  router.add(
      "POST", root + "/reset-password/", [&ctx](Request& r) { return reset_submit(ctx, r); },
      hashes);
}

}  // namespace gatehouse::api
