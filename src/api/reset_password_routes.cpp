// GET|POST /reset-password/ (docs/http-api.md §4): the HTML form, its form post, and the JSON API.
#include <boost/json/parse.hpp>

#include "api/body_reader.hpp"
#include "api/limited_route.hpp"
#include "api/query_reader.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "core/html_template.hpp"
#include "core/percent.hpp"
#include "crypto/jwt.hpp"
#include "http/error_response.hpp"
#include "http/json_text.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;

const FieldSet kResetQuery{
    .fields = {{.name = "code", .fallback = R"("")", .description = "The code from the email."}}};

// The JSON API's body; the HTML form posts the same fields urlencoded.
const FieldSet kResetBody{
    .schema_name = "PasswordResetRequest",
    .fields = {{.name = "code", .required = true, .description = "The code from the email."},
               {.name = "new_password", .type = FieldType::kPassword, .required = true}}};

Response reset_page(const ApiContext& ctx, int status, const std::string& page,
                    const std::string& code, const std::string& error) {
  const auto text = ctx.assets.template_text(page);
  Response r = Response::html(
      status,
      render_template(text.value_or(""),
                      {{"application", ctx.settings.metadata.title},
                       {"root", ctx.settings.api_root},
                       {"reset_token", code},
                       {"error", error},
                       {"min_length", std::to_string(ctx.settings.auth.password_min_length)}}));
  no_store(r);
  return r;
}

Result<Response> reset_form(const ApiContext& ctx, Request& req, NoInput&,
                            const services::Principal*) {
  QueryReader q(req);
  const std::string code = q.string_or_default("code");
  if (Status s = q.finish(); !s) return s.error();
  if (!ctx.settings.frontend_url.empty() && !code.empty() && crypto::is_jwt_shaped(code)) {
    return Response::redirect(
        302, ctx.settings.frontend_url + "/reset-password?code=" + percent_encode(code));
  }
  if (code.empty()) {
    return reset_page(ctx, 200, "password_reset_form.html", code, "Reset code is required");
  }
  auto user = ctx.auth.check_reset_code(code);
  std::string error;
  if (!user) {
    error = user.error().is(ErrorCode::kUserNotFound) ? services::kInvalidToken
                                                      : user.error().public_message;
  }
  return reset_page(ctx, 200, "password_reset_form.html", code, error);
}

// The page shows the policy's message without pydantic's "Value error, " prefix.
std::string page_message(const Error& e) {
  constexpr std::string_view kPrefix = "Value error, ";
  if (e.fields.empty()) return e.public_message;
  std::string_view msg = e.fields.front().msg;
  if (msg.starts_with(kPrefix)) msg.remove_prefix(kPrefix.size());
  return std::string(msg);
}

Result<Response> reset_from_form(const ApiContext& ctx, Request& req) {
  const auto code = form_value(req.body, "code");
  const auto password = form_value(req.body, "new_password");
  if (!code || !password || code->empty() || password->empty()) {
    return reset_page(ctx, 400, "password_reset_form.html", code.value_or(""),
                      "All fields are required");
  }
  // %00 would be cut short by crypt(3) and PostgreSQL (docs/decisions.md).
  if (password->find('\0') != std::string::npos) {
    return reset_page(ctx, 400, "password_reset_form.html", *code,
                      "Password must not contain NUL characters");
  }
  if (Status s = ctx.auth.reset_password(*code, *password); !s) {
    if (http::http_status(s.error().code) >= 500) return s.error();
    return reset_page(ctx, 400, "password_reset_form.html", *code, page_message(s.error()));
  }
  return reset_page(ctx, 200, "password_reset_success.html", "", "");
}

Result<Response> reset_from_json(const ApiContext& ctx, Request& req) {
  // The reference answers every malformed body with this one string detail.
  const Error invalid = Error::validation_message("Invalid request data");
  boost::system::error_code ec;
  const auto value = boost::json::parse(req.body, ec);
  if (ec || !value.is_object()) return invalid;
  BodyReader r(value.as_object(), req);
  auto code = r.required_string("code");
  auto password = r.required_string("new_password");
  if (!r.ok()) return invalid;
  if (Status s = ctx.auth.reset_password(*code, *password); !s) return s.error();
  return message_response(200, "Password successfully reset");
}

Result<Response> reset_submit(const ApiContext& ctx, Request& req, NoInput&,
                              const services::Principal*) {
  return is_form_request(req) ? reset_from_form(ctx, req) : reset_from_json(ctx, req);
}

}  // namespace

void register_reset_password_routes(http::Router& router, const ApiContext& ctx) {
  const std::string path = ctx.settings.api_root + "/reset-password/";
  add_limited(router, ctx, "GET", path,
              {.tag = "Authentication",
               .summary = "The password-reset page",
               .description = "An HTML form for the code from the email; with FRONTEND_URL set, "
                              "a redirect to the frontend's page instead.",
               .query = &kResetQuery,
               .replies = {{200, "The form", "", "text/html"},
                           {302, "Redirect to FRONTEND_URL/reset-password?code=…"}}},
              {{"reset_password_form"}}, read_nothing, reset_form);
  add_limited(router, ctx, "POST", path,
              {.tag = "Authentication",
               .summary = "Set a new password with a reset code",
               .description = "JSON answers JSON; the HTML form's urlencoded post answers a page. "
                              "Ends every session of the user.",
               .body = &kResetBody,
               .form_body = true,
               .replies = {{200, "Password successfully reset", "Message"},
                           {200, "Password successfully reset (the form's page)", "", "text/html"},
                           {400, "The form's page with the problem", "", "text/html"}},
               .errors = {ErrorCode::kTokenInvalid, ErrorCode::kTokenExpired,
                          ErrorCode::kUserNotFound, ErrorCode::kInvalidInput}},
              {{"reset_password"}}, read_nothing, reset_submit, {.password_hashing = true});
}

}  // namespace gatehouse::api
