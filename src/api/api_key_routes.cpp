// /users/keys routes (docs/http-api.md §7 "API key routes"): parse, one service
// call, render. Who may call each route, and with which scope, is declared at registration.
#include "api/access.hpp"
#include "api/body_reader.hpp"
#include "api/cached_route.hpp"
#include "api/json_body.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "api/user_json.hpp"
#include "services/scopes.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;
using services::Principal;

constexpr int kNameMax = static_cast<int>(services::kApiKeyNameMax);

const FieldSet kCreateBody{
    .schema_name = "ApiKeyCreateRequest",
    .fields = {{.name = "name", .required = true, .min_length = 1, .max_length = kNameMax},
               {.name = "scopes",
                .type = FieldType::kStringList,
                .description = "The routes' scopes the key may use (users:read, users:write, "
                               "api-keys:read, api-keys:write, sessions:read, sessions:write, "
                               "admin:read, admin:write); null: every right of its user.",
                .nullable = true},
               {.name = "expires_at",
                .type = FieldType::kDateTime,
                .description = "With a time zone, in the future; null: never.",
                .nullable = true}}};

const FieldSet kUpdateBody{
    .schema_name = "ApiKeyUpdateRequest",
    .fields = {{.name = "name", .min_length = 1, .max_length = kNameMax, .nullable = true},
               {.name = "is_active", .type = FieldType::kBoolean, .nullable = true}}};

std::string key_id(const Request& req) { return std::string(*req.param("key_id")); }

Result<Response> create_key(const ApiContext& ctx, Request& req, const Principal& p) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  services::NewKeyInput in;
  auto name = r.required_string("name");
  in.scopes = r.optional_string_list("scopes");
  if (in.scopes) {
    if (auto problem = services::scope_problem(*in.scopes, p.is_admin())) {
      r.value_error("scopes", *problem);
    }
  }
  if (auto expires = r.optional_string("expires_at")) {
    in.expires_at = store::parse_iso8601(*expires);
    if (!in.expires_at) {
      r.value_error("expires_at", "expires_at must be an ISO-8601 date and time with a time zone");
    } else if (auto problem = services::expiry_problem(in.expires_at, ctx.clock())) {
      r.value_error("expires_at", *problem);
    }
  }
  if (Status s = r.finish(); !s) return s.error();
  in.name = *name;
  auto created = ctx.api_keys.create(p.user, in);
  if (!created) return created.error();
  return json_no_store(200, api_key_created_json(created->key, created->raw));
}

// Cached (api/cached_route.hpp) in the owner's scope: the owner's list and an admin's
// by-user list are the same answer.
Result<Response> list_keys(const ApiContext& ctx, const Request& req, std::int64_t user_id) {
  return serve_cached(ctx, req, kv::cache_scope::api_keys(user_id), "list",
                      [&](std::chrono::milliseconds&) -> Result<Response> {
                        auto keys = ctx.api_keys.list(user_id);
                        if (!keys) return keys.error();
                        return json_no_store(200, api_keys_json(*keys));
                      });
}

Result<Response> get_key(const ApiContext& ctx, Request& req, const Principal& p) {
  const std::string id = key_id(req);
  return serve_cached(ctx, req, kv::cache_scope::api_keys(p.user.id), "key:" + id,
                      [&](std::chrono::milliseconds&) -> Result<Response> {
                        auto key = ctx.api_keys.get(p.user.id, id);
                        if (!key) return key.error();
                        return json_no_store(200, api_key_json(*key));
                      });
}

Result<Response> update_key(const ApiContext& ctx, Request& req, std::int64_t owner) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  services::KeyUpdate in;
  in.name = r.optional_string("name");
  in.is_active = r.optional_bool("is_active");
  if (Status s = r.finish(); !s) return s.error();
  auto key = ctx.api_keys.update(owner, key_id(req), in);
  if (!key) return key.error();
  return json_no_store(200, api_key_json(*key));
}

Result<Response> delete_key(const ApiContext& ctx, Request& req, std::int64_t owner) {
  if (Status s = ctx.api_keys.remove(owner, key_id(req)); !s) return s.error();
  return Response::no_content();
}

}  // namespace

void register_api_key_routes(http::Router& router, const ApiContext& ctx) {
  using services::kScopeAdminRead;
  using services::kScopeAdminWrite;
  using services::kScopeApiKeysRead;
  using services::kScopeApiKeysWrite;
  const std::string keys = ctx.settings.api_root + "/users/keys";
  const std::string one = keys + "/{key_id:uuid}";
  const std::string by_user = keys + "/by-user/{user_id:int}";
  const Access own_read{.scope = kScopeApiKeysRead};
  const Access own_write{.scope = kScopeApiKeysWrite};
  const Access admin_read{.audience = Audience::kAdmin, .scope = kScopeAdminRead};
  const Access admin_write{.audience = Audience::kAdmin, .scope = kScopeAdminWrite};

  constexpr std::string_view kTag = "API Keys";
  // A key cannot mint keys: creation needs a signed-in user (docs/http-api.md §2).
  add_protected(router, ctx, "POST", keys, {.scope = kScopeApiKeysWrite, .signed_in = true},
                {.tag = kTag,
                 .summary = "Create an API key",
                 .description = "The answer holds the key itself, shown this once.",
                 .body = &kCreateBody,
                 .replies = {{200, "The new key", "ApiKeyCreated"}}},
                [&ctx](Request& r, const Principal& p) { return create_key(ctx, r, p); });
  add_protected(router, ctx, "GET", keys, own_read,
                {.tag = kTag,
                 .summary = "The caller's API keys",
                 .replies = {{200, "Keys (without the keys themselves)", "ApiKeyList"}},
                 .cached = true},
                [&ctx](Request& r, const Principal& p) { return list_keys(ctx, r, p.user.id); });
  add_protected(
      router, ctx, "GET", by_user, admin_read,
      {.tag = kTag,
       .summary = "A user's API keys",
       .replies = {{200, "Keys", "ApiKeyList"}},
       .cached = true},
      [&ctx](Request& r, const Principal&) { return list_keys(ctx, r, path_user_id(r)); });
  add_protected(router, ctx, "GET", one, own_read,
                {.tag = kTag,
                 .summary = "One of the caller's API keys",
                 .replies = {{200, "The key", "ApiKey"}},
                 .errors = {ErrorCode::kApiKeyNotFound},
                 .cached = true},
                [&ctx](Request& r, const Principal& p) { return get_key(ctx, r, p); });
  const RouteDoc update_doc{.tag = kTag,
                            .summary = "Rename, disable or enable an API key",
                            .body = &kUpdateBody,
                            .replies = {{200, "The key", "ApiKey"}},
                            .errors = {ErrorCode::kApiKeyNotFound}};
  add_protected(router, ctx, "PATCH", one, own_write, update_doc,
                [&ctx](Request& r, const Principal& p) { return update_key(ctx, r, p.user.id); });
  add_protected(
      router, ctx, "PATCH", by_user + "/{key_id:uuid}", admin_write, update_doc,
      [&ctx](Request& r, const Principal&) { return update_key(ctx, r, path_user_id(r)); });
  const RouteDoc delete_doc{.tag = kTag,
                            .summary = "Delete an API key",
                            .replies = {{204, "Deleted"}},
                            .errors = {ErrorCode::kApiKeyNotFound}};
  add_protected(router, ctx, "DELETE", one, own_write, delete_doc,
                [&ctx](Request& r, const Principal& p) { return delete_key(ctx, r, p.user.id); });
  add_protected(
      router, ctx, "DELETE", by_user + "/{key_id:uuid}", admin_write, delete_doc,
      [&ctx](Request& r, const Principal&) { return delete_key(ctx, r, path_user_id(r)); });
}

}  // namespace gatehouse::api
