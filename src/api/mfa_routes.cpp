// Two-factor authentication routes (docs/http-api.md §4 "Two-factor authentication"): the
// caller's own TOTP (signed-in users only: an API key never turns a second factor on or off)
// and the admin's reset for a lost device. Sign-in with a code is POST /login/mfa/
// (auth_routes.cpp).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/access.hpp"
#include "api/body_reader.hpp"
#include "api/json_body.hpp"
#include "api/limited_route.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "services/scopes.hpp"

namespace gatehouse::api {

namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using services::Principal;

// Long enough for a recovery code typed with a hyphen; codes are short, anything longer is
// not one (422 before any work).
constexpr int kCodeMaxLength = 32;

const FieldSet kConfirmBody{
    .schema_name = "TotpConfirmRequest",
    .fields = {{.name = "code",
                .required = true,
                .max_length = kCodeMaxLength,
                .description = "The 6-digit code the authenticator app shows now."}}};

const FieldSet kDisableBody{
    .schema_name = "TotpDisableRequest",
    .fields = {{.name = "code",
                .max_length = kCodeMaxLength,
                .description = "A current TOTP code or an unused recovery code.",
                .nullable = true},
               {.name = "password",
                .type = FieldType::kPassword,
                .description = "The account's password.",
                .nullable = true}},
    .description = "Exactly one of `code` (a TOTP or recovery code) and `password`."};

Response json_answer(const json::object& body) {
  auto r = Response::json(200, json::serialize(body));
  no_store(r);
  return r;
}

Result<Response> start_enrolment(const ApiContext& ctx, const Principal& p) {
  auto enrolment = ctx.mfa.start_enrolment(p);
  if (!enrolment) return enrolment.error();
  return json_answer({{"secret", enrolment->secret}, {"otpauth_uri", enrolment->otpauth_uri}});
}

Result<Response> confirm(const ApiContext& ctx, Request& req, const Principal& p) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto code = r.required_string("code");
  if (Status s = r.finish(); !s) return s.error();
  auto codes = ctx.mfa.confirm(p, *code);
  if (!codes) return codes.error();
  json::array list;
  for (auto& c : *codes) list.emplace_back(c);
  return json_answer({{"recovery_codes", std::move(list)}});
}

Result<services::MfaProof> read_disable(const ApiContext&, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  services::MfaProof proof;
  proof.code = r.optional_string("code");
  proof.password = r.optional_string("password");
  if (r.ok() && proof.code.has_value() == proof.password.has_value()) {
    r.value_error(proof.code ? "password" : "code", "Give either code or password, not both");
  }
  if (Status s = r.finish(); !s) return s.error();
  return proof;
}

Result<Response> disable(const ApiContext& ctx, Request&, services::MfaProof& proof,
                         const Principal* p) {
  if (Status s = ctx.mfa.disable(*p, proof); !s) return s.error();
  return Response::no_content();
}

Result<Response> reset(const ApiContext& ctx, Request& req, const Principal& admin) {
  std::int64_t id = 0;
  const auto v = req.param("user_id");
  std::from_chars(v->data(), v->data() + v->size(), id);
  if (Status s = ctx.mfa.reset(id, &admin); !s) return s.error();
  return Response::no_content();
}

}  // namespace

void register_mfa_routes(http::Router& router, const ApiContext& ctx) {
  namespace sc = services;
  const std::string totp = ctx.settings.api_root + "/users/me/mfa/totp";
  // The caller's own second factor: a signed-in user, never an API key (403 first).
  const Access own{.scope = sc::kScopeUsersWrite, .signed_in = true};
  constexpr std::string_view kTag = "Two-factor authentication";
  add_protected(router, ctx, "POST", totp, own,
                {.tag = kTag,
                 .summary = "Start a TOTP enrolment",
                 .description = "Answers a new secret for an authenticator app. TOTP is on "
                                "only after a confirmation; starting again replaces a pending "
                                "secret.",
                 .replies = {{200, "The secret, shown once", "TotpEnrolment"}},
                 .errors = {ErrorCode::kMfaState}},
                [&ctx](Request&, const Principal& p) { return start_enrolment(ctx, p); });
  add_protected(router, ctx, "POST", totp + "/confirm", own,
                {.tag = kTag,
                 .summary = "Turn TOTP on with a code",
                 .description = "Answers 10 recovery codes, shown once. Ends the caller's "
                                "other sessions.",
                 .body = &kConfirmBody,
                 .replies = {{200, "TOTP is on", "RecoveryCodes"}},
                 .errors = {ErrorCode::kMfaState, ErrorCode::kInvalidMfaCode}},
                [&ctx](Request& r, const Principal& p) { return confirm(ctx, r, p); });
  // May verify a password: the password lane, and the password-change budget per caller.
  add_protected_limited(
      router, ctx, "DELETE", totp, own,
      {.tag = kTag,
       .summary = "Turn TOTP off",
       .description = "Proven with a code or the password. Ends the caller's other sessions.",
       .body = &kDisableBody,
       .replies = {{204, "TOTP is off"}},
       .errors = {ErrorCode::kMfaState, ErrorCode::kInvalidMfaCode,
                  ErrorCode::kCurrentPasswordIncorrect}},
      {{"password_change", LimitKey::kCaller}}, read_disable, disable,
      http::RouteOptions{.password_hashing = true});
  add_protected(router, ctx, "DELETE", ctx.settings.api_root + "/users/{user_id:int}/mfa",
                // A second factor is removed by a signed-in admin, never by a key that did
                // not pass one.
                {.audience = Audience::kAdmin, .scope = sc::kScopeAdminWrite, .signed_in = true},
                {.tag = kTag,
                 .summary = "Turn a user's TOTP off (lost device)",
                 .description = "Ends every session of the user and emails them. An admin's "
                                "own TOTP is turned off with DELETE /users/me/mfa/totp.",
                 .replies = {{204, "TOTP is off"}},
                 .errors = {ErrorCode::kUserNotFound, ErrorCode::kMfaState}},
                [&ctx](Request& r, const Principal& p) { return reset(ctx, r, p); });
}

}  // namespace gatehouse::api
