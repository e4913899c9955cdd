// GET|POST /reset-password/ (API.md §4): the HTML form, its form post, and the JSON API.
#include <boost/json/parse.hpp>

#include "api/body_reader.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "core/html_template.hpp"
#include "core/percent.hpp"
#include "crypto/jwt.hpp"
#include "http/json_text.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;

}  // namespace

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

Result<Response> reset_form(const ApiContext& ctx, Request& req) {
  auto limit = ctx.limits.hit("reset_password_form", req.client_ip);
  if (!limit) return limit.error();
  const std::string code = req.query_param("code").value_or("");
  if (!ctx.settings.frontend_url.empty() && !code.empty() && crypto::is_jwt_shaped(code)) {
    return Response::redirect(
        302, ctx.settings.frontend_url + "/reset-password?code=" + percent_encode(code));
  }
  if (code.empty()) {
    return with_rate_headers(
        reset_page(ctx, 200, "password_reset_form.html", code, "Reset code is required"), *limit);
  }
  auto user = ctx.auth.check_reset_code(code);
  std::string error;
  if (!user) {
    error = user.error().is(ErrorCode::kNotFound) ? services::kInvalidToken
                                                  : user.error().public_message;
  }
  return with_rate_headers(reset_page(ctx, 200, "password_reset_form.html", code, error), *limit);
}

namespace {

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
  auto user = ctx.auth.check_reset_code(*code);
  if (user) {
    if (auto problem = ctx.auth.password_problem(*password, user->email)) {
      return reset_page(ctx, 400, "password_reset_form.html", *code, *problem);
    }
  }
  if (Status s = ctx.auth.reset_password(*code, *password); !s) {
    return reset_page(ctx, 400, "password_reset_form.html", *code, s.error().public_message);
  }
  return reset_page(ctx, 200, "password_reset_success.html", "", "");
}

Result<Response> reset_from_json(const ApiContext& ctx, Request& req) {
  // The reference answers every malformed body with this one string detail.
  const Error invalid = Error::validation_message("Invalid request data");
  boost::system::error_code ec;
  const auto value = boost::json::parse(req.body, ec);
  if (ec || !value.is_object()) return invalid;
  BodyReader r(value.as_object());
  auto code = r.required_string("code");
  auto password = r.required_string("new_password");
  if (!r.ok()) return invalid;
  auto user = ctx.auth.check_reset_code(*code);
  if (user) {
    if (auto problem = ctx.auth.password_problem(*password, user->email)) {
      r.value_error("new_password", *problem);
      return r.finish().error();
    }
  }
  if (Status s = ctx.auth.reset_password(*code, *password); !s) return s.error();
  return message_response(200, "Password successfully reset");
}

}  // namespace

Result<Response> reset_submit(const ApiContext& ctx, Request& req) {
  auto limit = ctx.limits.hit("reset_password", req.client_ip);
  if (!limit) return limit.error();
  return with_rate_headers(
      is_form_request(req) ? reset_from_form(ctx, req) : reset_from_json(ctx, req), *limit);
}

}  // namespace gatehouse::api
