#include "api/auth_guard.hpp"

#include "core/request_origin.hpp"
#include "http/request.hpp"

namespace gatehouse::api {

namespace {

// "Bearer <token>", scheme case-insensitive; nullopt when the header is not a bearer one.
std::optional<std::string> bearer_token(const http::Request& req) {
  const auto h = req.headers.get("Authorization");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.size() < 7 || !http::iequals(v.substr(0, 6), "bearer") || v[6] != ' ') {
    return std::nullopt;
  }
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

}  // namespace

namespace {

// The audit log's actor for the rest of the request (core/request_origin.hpp).
Result<services::Principal> as_actor(Result<services::Principal> p) {
  if (p) {
    if (RequestOrigin* origin = current_origin()) origin->actor_id = p->user.id;
  }
  return p;
}

Result<services::Principal> authenticate_credentials(const ApiContext& ctx,
                                                     const http::Request& req);

}  // namespace

Result<services::Principal> authenticate(const ApiContext& ctx, const http::Request& req) {
  return as_actor(authenticate_credentials(ctx, req));
}

namespace {

Result<services::Principal> authenticate_credentials(const ApiContext& ctx,
                                                     const http::Request& req) {
  const auto token = bearer_token(req);
  const auto api_key = req.headers.get("X-API-Key");
  const bool has_key = api_key && !api_key->empty();
  std::optional<services::Principal> from_token;
  if (token) {
    auto p = ctx.auth.authenticate_bearer(*token);
    if (!p) return p.error();
    from_token = std::move(*p);
  }
  if (has_key) {
    // Checked even next to a valid token: a present invalid credential is a 401
    // (docs/http-api.md §2, as the FastAPI template, which evaluates both). With both valid,
    // the token's identity wins.
    auto from_key = ctx.api_keys.authenticate(std::string(*api_key));
    if (!from_key) return from_key.error();
    if (!from_token) return std::move(*from_key);
  }
  if (from_token) return std::move(*from_token);
  return Error::not_authenticated();
}

}  // namespace

}  // namespace gatehouse::api
