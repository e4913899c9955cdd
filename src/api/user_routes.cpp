// /users routes (docs/http-api.md §5 "User routes", §6 "Sessions"). Who may call each
// route, and with which API-key scope, is declared at registration (api/access.hpp).
#include "api/access.hpp"
#include "api/body_reader.hpp"
#include "api/cached_route.hpp"
#include "api/json_body.hpp"
#include "api/limited_route.hpp"
#include "api/query_reader.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "api/user_json.hpp"
#include "core/email_address.hpp"
#include "services/scopes.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;
using services::Principal;

std::int64_t path_id(const Request& req) { return path_user_id(req); }

const Field kPage{
    .name = "page", .type = FieldType::kInteger, .minimum = 1, .maximum = 1000000, .fallback = "1"};
const Field kSize{
    .name = "size", .type = FieldType::kInteger, .minimum = 1, .maximum = 100, .fallback = "50"};

const FieldSet kListQuery{
    .fields = {{.name = "user_id",
                .type = FieldType::kInteger,
                .description = "Answer only this user (as a plain object, not a page); 0: all."},
               kPage,
               kSize}};

const FieldSet kSearchQuery{
    .fields = {{.name = "search_term", .required = true, .max_length = 100},
               {.name = "field",
                .fallback = R"("all")",
                .description = "all, email, first_name or last_name (any other value: all)."},
               {.name = "exact_match", .type = FieldType::kBoolean, .fallback = "false"},
               kPage,
               kSize}};

const FieldSet kUserEditBody{
    .schema_name = "UserEditRequest",
    .fields = {{.name = "email", .type = FieldType::kEmail, .required = true},
               {.name = "first_name", .required = true, .max_length = 30},
               {.name = "last_name", .required = true, .max_length = 50},
               {.name = "password",
                .type = FieldType::kPassword,
                .description = "A new password (needs a signed-in user, and current_password "
                               "when changing one's own).",
                .nullable = true},
               {.name = "current_password", .type = FieldType::kPassword, .nullable = true}}};

const FieldSet kPasswordBody{
    .schema_name = "UserPasswordRequest",
    .fields = {{.name = "password", .type = FieldType::kPassword, .required = true},
               {.name = "current_password",
                .type = FieldType::kPassword,
                .description = "Required when changing one's own password.",
                .nullable = true}}};

const FieldSet kBanBody{
    .schema_name = "UserBanRequest",
    .fields = {{.name = "reason", .max_length = 255, .nullable = true},
               {.name = "until",
                .type = FieldType::kDateTime,
                .description = "The ban ends by itself then; absent: until unbanned.",
                .nullable = true}}};

// A cached answer that shows `u` turns stale by itself when a time-limited ban or a lockout
// ends (user_json reads them against the clock): it is kept at most until then.
void expire_with(std::chrono::milliseconds& ttl, const store::User& u, store::Timestamp now) {
  for (const auto& end : {u.banned ? u.banned_until : std::nullopt, u.locked_until}) {
    if (!end || *end <= now) continue;
    ttl = std::min(ttl, std::chrono::ceil<std::chrono::milliseconds>(*end - now));
  }
}

Result<Response> list_users(const ApiContext& ctx, Request& req) {
  QueryReader q(req);
  const auto user_id = q.optional_integer("user_id");
  const int page = static_cast<int>(q.integer("page"));
  const int size = static_cast<int>(q.integer("size"));
  if (Status s = q.finish(); !s) return s.error();
  if (user_id && *user_id != 0) {
    const std::int64_t id = *user_id;
    return serve_cached(ctx, req, kv::cache_scope::user(id), "single",
                        [&](std::chrono::milliseconds& ttl) -> Result<Response> {
                          auto u = ctx.users.get(id);
                          if (!u) return u.error();
                          const auto now = ctx.clock();
                          expire_with(ttl, *u, now);
                          return json_no_store(200, user_json(*u, now));
                        });
  }
  const std::string key = "page:" + std::to_string(page) + ":size:" + std::to_string(size);
  return serve_cached(ctx, req, kv::cache_scope::kUsersList, key,
                      [&](std::chrono::milliseconds& ttl) -> Result<Response> {
                        auto result = ctx.users.list(page, size);
                        if (!result) return result.error();
                        const auto now = ctx.clock();
                        for (const auto& u : result->items) expire_with(ttl, u, now);
                        return json_no_store(200, users_page_json(*result, now));
                      });
}

Result<Response> my_user(const ApiContext& ctx, const Request& req, const Principal& p) {
  return serve_cached(ctx, req, kv::cache_scope::user(p.user.id), "me",
                      [&](std::chrono::milliseconds&) -> Result<Response> {
                        return json_no_store(200, my_user_json(p.user));
                      });
}

Result<Response> search_users(const ApiContext& ctx, Request& req) {
  QueryReader q(req);
  auto term = q.required_string("search_term");
  std::string field = q.string_or_default("field");
  for (auto& c : field) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool exact = q.boolean("exact_match");
  const int page = static_cast<int>(q.integer("page"));
  const int size = static_cast<int>(q.integer("size"));
  if (Status s = q.finish(); !s) return s.error();
  store::UserSearch search{*term, store::UserSearch::Field::kAll, exact};
  if (field == "email") search.field = store::UserSearch::Field::kEmail;
  if (field == "first_name") search.field = store::UserSearch::Field::kFirstName;
  if (field == "last_name") search.field = store::UserSearch::Field::kLastName;
  auto result = ctx.users.search(search, page, size);
  if (!result) return result.error();
  return json_no_store(200, users_page_json(*result, ctx.clock()));
}

// PUT /users/{id} with an API key needs a signed-in user when it would change the password
// or the email (docs/http-api.md §2). Anything that cannot be read here is left to the handler's
// validation, which answers it.
bool changes_credentials(const ApiContext& ctx, const Request& req, const Principal& p) {
  auto body = shared_json_object(req);
  if (!body) return false;
  const auto* password = (*body)->if_contains("password");
  if (password && password->is_string() && !password->as_string().empty()) return true;
  const auto* email = (*body)->if_contains("email");
  if (!email || !email->is_string()) return false;
  const EmailCheck check = check_email(std::string(email->as_string()));
  if (!check.normalized) return false;
  const std::int64_t target = path_id(req);
  if (target == p.user.id) return *check.normalized != p.user.email;
  auto user = ctx.users.get(target);
  return user && *check.normalized != user->email;
}

struct UpdateRequest {
  services::UserUpdate in;
  // A password sent here is a password change: the same budget as POST …/password.
  LimitSubject limit_subject() const { return {.counts = in.password && !in.password->empty()}; }
};

Result<UpdateRequest> read_update(const ApiContext&, Request& req, const Principal*) {
  auto body = shared_json_object(req);  // the access rule may have read it already
  if (!body) return body.error();
  BodyReader r(**body, req);
  auto email = r.required_email("email");
  auto first = r.required_string("first_name");
  auto last = r.required_string("last_name");
  UpdateRequest out;
  out.in.password = r.optional_string("password");
  out.in.current_password = r.optional_string("current_password");
  if (Status s = r.finish(); !s) return s.error();
  out.in.email = *email;
  out.in.first_name = *first;
  out.in.last_name = *last;
  return out;
}

Result<Response> update_user(const ApiContext& ctx, Request& req, UpdateRequest& r,
                             const Principal* p) {
  auto updated = ctx.users.update(*p, path_id(req), r.in);
  if (!updated) return updated.error();
  return json_no_store(200, my_user_json(*updated));
}

struct PasswordRequest {
  std::string password;
  std::optional<std::string> current;
};

Result<PasswordRequest> read_password(const ApiContext&, Request& req, const Principal*) {
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body, req);
  auto password = r.required_string("password");
  auto current = r.optional_string("current_password");
  if (Status s = r.finish(); !s) return s.error();
  return PasswordRequest{*password, current};
}

Result<Response> change_password(const ApiContext& ctx, Request& req, PasswordRequest& r,
                                 const Principal* p) {
  if (Status s = ctx.users.change_password(*p, path_id(req), r.password, r.current); !s) {
    return s.error();
  }
  return Response::no_content();
}

Result<Response> ban_user(const ApiContext& ctx, Request& req, const Principal& p) {
  services::BanInput in;
  if (!req.body.empty()) {
    auto body = parse_json_object(req);
    if (!body) return body.error();
    BodyReader r(*body, req);
    in.reason = r.optional_string("reason");
    if (auto until = r.optional_string("until")) {
      in.until = store::parse_iso8601(*until);
      if (!in.until)
        r.value_error("until", "until must be an ISO-8601 date and time");
      else if (*in.until <= ctx.clock())
        r.value_error("until", "until must be in the future");
    }
    if (Status s = r.finish(); !s) return s.error();
  }
  if (Status s = ctx.users.ban(p, path_id(req), in); !s) return s.error();
  return Response::no_content();
}

// An action on the path's user that answers 204.
template <class Action>
Result<Response> no_content(Action action, const Principal& p, const Request& req) {
  if (Status s = action(p, path_id(req)); !s) return s.error();
  return Response::no_content();
}

// The sessions of `user_id`; `p`'s own one marked current.
Result<Response> sessions_of(const ApiContext& ctx, std::int64_t user_id, const Principal& p) {
  auto sessions = ctx.users.sessions(user_id);
  if (!sessions) return sessions.error();
  std::string out = "[";
  for (std::size_t i = 0; i < sessions->size(); ++i) {
    if (i) out += ',';
    out += session_json((*sessions)[i], (*sessions)[i].id == p.session_id);
  }
  return json_no_store(200, out + "]");
}

Result<Response> revoke_my_session(const ApiContext& ctx, Request& req, const Principal& p) {
  const std::string sid(*req.param("session_id"));
  if (Status s = ctx.users.revoke_session(p.user.id, sid); !s) return s.error();
  return Response::no_content();
}

Result<Response> user_sessions(const ApiContext& ctx, Request& req, const Principal& p) {
  if (auto u = ctx.users.get(path_id(req)); !u) return u.error();
  return sessions_of(ctx, path_id(req), p);
}

}  // namespace

void register_user_routes(http::Router& router, const ApiContext& ctx) {
  namespace sc = services;
  const std::string u = ctx.settings.api_root + "/users";
  const std::string id = u + "/{user_id:int}";
  auto& users = ctx.users;
  const Access admin_read{.audience = Audience::kAdmin, .scope = sc::kScopeAdminRead};
  const Access admin_write{.audience = Audience::kAdmin, .scope = sc::kScopeAdminWrite};
  // Owner or admin (the reference's can_edit_user); an admin on another user needs admin:write.
  const Access owner_write{.audience = Audience::kOwnerOrAdmin,
                           .scope = sc::kScopeUsersWrite,
                           .other_user_scope = sc::kScopeAdminWrite};
  Access password_change = owner_write;
  password_change.signed_in = true;
  Access user_update = owner_write;
  user_update.signed_in_if = changes_credentials;

  constexpr std::string_view kTag = "Users";
  add_protected(router, ctx, "GET", u + "/", admin_read,
                {.tag = kTag,
                 .summary = "List users, a page at a time",
                 .query = &kListQuery,
                 .replies = {{200, "A page of users (or one user with user_id)", "UserPageOrUser"}},
                 .errors = {ErrorCode::kUserNotFound},
                 .cached = true},
                [&ctx](Request& r, const Principal&) { return list_users(ctx, r); });
  add_protected(router, ctx, "GET", u + "/me", {.scope = sc::kScopeUsersRead},
                {.tag = kTag,
                 .summary = "The signed-in user",
                 .replies = {{200, "The caller's profile", "MyUserResponse"}},
                 .cached = true},
                [&ctx](Request& r, const Principal& p) { return my_user(ctx, r, p); });
  add_protected(router, ctx, "GET", u + "/me/sessions", {.scope = sc::kScopeSessionsRead},
                {.tag = kTag,
                 .summary = "The caller's sessions",
                 .replies = {{200, "Open sessions, the current one marked", "SessionList"}}},
                [&ctx](Request&, const Principal& p) { return sessions_of(ctx, p.user.id, p); });
  add_protected(router, ctx, "DELETE", u + "/me/sessions/{session_id}",
                {.scope = sc::kScopeSessionsWrite},
                {.tag = kTag,
                 .summary = "End one of the caller's sessions",
                 .replies = {{204, "Ended"}},
                 .errors = {ErrorCode::kSessionNotFound}},
                [&ctx](Request& r, const Principal& p) { return revoke_my_session(ctx, r, p); });
  add_protected(router, ctx, "POST", id + "/make-admin", admin_write,
                {.tag = kTag,
                 .summary = "Make a user an admin",
                 .replies = {{204, "Done"}},
                 .errors = {ErrorCode::kUserNotFound}},
                [&users](Request& r, const Principal& p) {
                  return no_content([&](const auto&, auto uid) { return users.make_admin(uid); }, p,
                                    r);
                });
  add_protected(router, ctx, "POST", id + "/remove-admin", admin_write,
                {.tag = kTag,
                 .summary = "Take the admin role away",
                 .replies = {{204, "Done"}},
                 .errors = {ErrorCode::kUserNotFound, ErrorCode::kLastAdmin}},
                [&users](Request& r, const Principal& p) {
                  return no_content([&](const auto&, auto uid) { return users.remove_admin(uid); },
                                    p, r);
                });
  // Password changes wait for a hash: the password lane (http/router.hpp).
  const http::RouteOptions hashes{.password_hashing = true};
  const RouteLimits password_limit{{"password_change", LimitKey::kCaller}};
  add_protected_limited(router, ctx, "POST", id + "/password", password_change,
                        {.tag = kTag,
                         .summary = "Change a password",
                         .description = "Ends the user's other sessions.",
                         .body = &kPasswordBody,
                         .replies = {{204, "Changed"}},
                         .errors = {ErrorCode::kUserNotFound, ErrorCode::kCurrentPasswordRequired,
                                    ErrorCode::kCurrentPasswordIncorrect}},
                        password_limit, read_password, change_password, hashes);
  add_protected(router, ctx, "POST", id + "/ban", admin_write,
                {.tag = kTag,
                 .summary = "Ban a user",
                 .description = "Ends every session of the user at once.",
                 .body = &kBanBody,
                 .body_optional = true,
                 .replies = {{204, "Banned"}},
                 .errors = {ErrorCode::kUserNotFound, ErrorCode::kBanState, ErrorCode::kLastAdmin}},
                [&ctx](Request& r, const Principal& p) { return ban_user(ctx, r, p); });
  add_protected(router, ctx, "POST", id + "/unban", admin_write,
                {.tag = kTag,
                 .summary = "Lift a ban",
                 .replies = {{204, "Unbanned"}},
                 .errors = {ErrorCode::kUserNotFound, ErrorCode::kBanState}},
                [&users](Request& r, const Principal& p) {
                  return no_content(
                      [&](const auto& actor, auto uid) { return users.unban(actor, uid); }, p, r);
                });
  add_protected(router, ctx, "POST", id + "/unlock", admin_write,
                {.tag = kTag,
                 .summary = "End an account lockout",
                 .replies = {{204, "Unlocked"}},
                 .errors = {ErrorCode::kUserNotFound}},
                [&users](Request& r, const Principal& p) {
                  return no_content([&](const auto&, auto uid) { return users.unlock(uid); }, p, r);
                });
  add_protected_limited(
      router, ctx, "PUT", id, user_update,
      {.tag = kTag,
       .summary = "Edit a user",
       .description = "A new email or password needs a signed-in user.",
       .body = &kUserEditBody,
       .replies = {{200, "The edited profile", "MyUserResponse"}},
       .errors = {ErrorCode::kUserNotFound, ErrorCode::kEmailTaken,
                  ErrorCode::kCurrentPasswordRequired, ErrorCode::kCurrentPasswordIncorrect}},
      password_limit, read_update, update_user, hashes);
  add_protected(router, ctx, "DELETE", id, admin_write,
                {.tag = kTag,
                 .summary = "Delete a user",
                 .replies = {{204, "Deleted"}},
                 .errors = {ErrorCode::kUserNotFound, ErrorCode::kLastAdmin}},
                [&users](Request& r, const Principal& p) {
                  return no_content([&](const auto&, auto uid) { return users.remove(uid); }, p, r);
                });
  add_protected(router, ctx, "GET", u + "/search", admin_read,
                {.tag = kTag,
                 .summary = "Search users",
                 .query = &kSearchQuery,
                 .replies = {{200, "A page of matching users", "UserPage"}}},
                [&ctx](Request& r, const Principal&) { return search_users(ctx, r); });
  add_protected(router, ctx, "GET", id + "/sessions", admin_read,
                {.tag = kTag,
                 .summary = "A user's sessions",
                 .replies = {{200, "Open sessions", "SessionList"}},
                 .errors = {ErrorCode::kUserNotFound}},
                [&ctx](Request& r, const Principal& p) { return user_sessions(ctx, r, p); });
  add_protected(router, ctx, "DELETE", id + "/sessions", admin_write,
                {.tag = kTag,
                 .summary = "End every session of a user",
                 .replies = {{204, "Ended"}},
                 .errors = {ErrorCode::kUserNotFound}},
                [&users](Request& r, const Principal& p) {
                  return no_content(
                      [&](const auto&, auto uid) { return users.revoke_all_sessions(uid); }, p, r);
                });
}

}  // namespace gatehouse::api
