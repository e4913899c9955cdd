// /users routes (API.md §4 Users and Sessions; reference §3.10-3.17).
#include <charconv>

#include "api/auth_guard.hpp"
#include "api/body_reader.hpp"
#include "api/json_body.hpp"
#include "api/query_reader.hpp"
#include "api/responses.hpp"
#include "api/routes.hpp"
#include "api/user_json.hpp"

namespace gatehouse::api {

namespace {

using http::Request;
using http::Response;

std::int64_t path_id(const Request& req) {
  std::int64_t id = 0;
  const auto v = *req.param("user_id");
  std::from_chars(v.data(), v.data() + v.size(), id);
  return id;
}

Response json_no_store(std::string body) {
  auto r = Response::json(200, std::move(body));
  no_store(r);
  return r;
}

// Owner or admin, as the reference's can_edit_user.
Result<services::Principal> owner_or_admin(const ApiContext& ctx, const Request& req) {
  auto p = authenticate(ctx, req);
  if (!p) return p;
  if (!p->is_admin() && p->user.id != path_id(req)) return Error::forbidden();
  return p;
}

Result<Response> list_users(const ApiContext& ctx, Request& req) {
  auto p = require_admin(ctx, req);
  if (!p) return p.error();
  QueryReader q(req);
  const auto user_id = q.optional_integer("user_id");
  const int page = q.integer("page", 1, 1, 1000000);
  const int size = q.integer("size", 50, 1, 100);
  if (Status s = q.finish(); !s) return s.error();
  const auto now = ctx.auth.tokens().now();
  if (user_id && *user_id != 0) {
    auto u = ctx.users.get(*user_id);
    if (!u) return u.error();
    return json_no_store(user_json(*u, now));
  }
  auto result = ctx.users.list(page, size);
  if (!result) return result.error();
  return json_no_store(users_page_json(*result, now));
}

Result<Response> me(const ApiContext& ctx, Request& req) {
  auto p = authenticate(ctx, req);
  if (!p) return p.error();
  return json_no_store(my_user_json(p->user));
}

Result<Response> search_users(const ApiContext& ctx, Request& req) {
  auto p = require_admin(ctx, req);
  if (!p) return p.error();
  QueryReader q(req);
  auto term = q.required_string("search_term", 100);
  std::string field = q.string_or("field", "all");
  for (auto& c : field) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool exact = q.boolean("exact_match", false);
  const int page = q.integer("page", 1, 1, 1000000);
  const int size = q.integer("size", 50, 1, 100);
  if (Status s = q.finish(); !s) return s.error();
  store::UserSearch search{*term, store::UserSearch::Field::kAll, exact};
  if (field == "email") search.field = store::UserSearch::Field::kEmail;
  if (field == "first_name") search.field = store::UserSearch::Field::kFirstName;
  if (field == "last_name") search.field = store::UserSearch::Field::kLastName;
  auto result = ctx.users.search(search, page, size);
  if (!result) return result.error();
  return json_no_store(users_page_json(*result, ctx.auth.tokens().now()));
}

// Actions that need a signed-in user refuse API keys before anything else (API.md §9).
Status signed_in(const services::Principal& p) {
  if (p.via_api_key()) return Error::forbidden("This action requires a signed-in user");
  return ok();
}

Result<Response> update_user(const ApiContext& ctx, Request& req) {
  auto p = owner_or_admin(ctx, req);
  if (!p) return p.error();
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
  services::UserUpdate in;
  auto email = r.required_email("email");
  auto first = r.required_string("first_name", -1, 30);
  auto last = r.required_string("last_name", -1, 50);
  in.password = r.optional_string("password");
  in.current_password = r.optional_string("current_password");
  if (in.password && !in.password->empty() && email) {
    if (auto problem = ctx.auth.password_problem(*in.password, *email)) {
      r.value_error("password", *problem);
    }
  }
  if (Status s = r.finish(); !s) return s.error();
  if (in.password && !in.password->empty()) {
    if (Status s = signed_in(*p); !s) return s.error();
  }
  in.email = *email;
  in.first_name = *first;
  in.last_name = *last;
  auto updated = ctx.users.update(*p, path_id(req), in);
  if (!updated) return updated.error();
  return json_no_store(my_user_json(*updated));
}

Result<Response> change_password(const ApiContext& ctx, Request& req) {
  auto p = owner_or_admin(ctx, req);
  if (!p) return p.error();
  if (Status s = signed_in(*p); !s) return s.error();
  auto body = parse_json_object(req);
  if (!body) return body.error();
  BodyReader r(*body);
  auto password = r.required_string("password");
  auto current = r.optional_string("current_password");
  if (password) {
    auto target = ctx.users.get(path_id(req));
    if (!target) return target.error();
    if (auto problem = ctx.auth.password_problem(*password, target->email)) {
      r.value_error("password", *problem);
    }
  }
  if (Status s = r.finish(); !s) return s.error();
  auto limit = ctx.limits.hit("password_change", std::to_string(p->user.id));
  if (!limit) return limit.error();
  if (Status s = ctx.users.change_password(*p, path_id(req), *password, current); !s) {
    return s.error();
  }
  return Response::no_content();
}

Result<Response> ban_user(const ApiContext& ctx, Request& req) {
  auto p = require_admin(ctx, req);
  if (!p) return p.error();
  services::BanInput in;
  if (!req.body.empty()) {
    auto body = parse_json_object(req);
    if (!body) return body.error();
    BodyReader r(*body);
    in.reason = r.optional_string("reason", -1, 255);
    if (auto until = r.optional_string("until")) {
      in.until = store::parse_iso8601(*until);
      if (!in.until)
        r.value_error("until", "until must be an ISO-8601 date and time");
      else if (*in.until <= ctx.auth.tokens().now())
        r.value_error("until", "until must be in the future");
    }
    if (Status s = r.finish(); !s) return s.error();
  }
  if (Status s = ctx.users.ban(*p, path_id(req), in); !s) return s.error();
  return Response::no_content();
}

template <class Action>
Result<Response> admin_action(const ApiContext& ctx, Request& req, Action action) {
  auto p = require_admin(ctx, req);
  if (!p) return p.error();
  if (Status s = action(*p, path_id(req)); !s) return s.error();
  return Response::no_content();
}

Result<Response> my_sessions(const ApiContext& ctx, Request& req) {
  auto p = authenticate(ctx, req);
  if (!p) return p.error();
  auto sessions = ctx.users.sessions(p->user.id);
  if (!sessions) return sessions.error();
  std::string out = "[";
  for (std::size_t i = 0; i < sessions->size(); ++i) {
    if (i) out += ',';
    out += session_json((*sessions)[i], (*sessions)[i].id == p->session_id);
  }
  return json_no_store(out + "]");
}

Result<Response> revoke_my_session(const ApiContext& ctx, Request& req) {
  auto p = authenticate(ctx, req);
  if (!p) return p.error();
  const std::string sid(*req.param("session_id"));
  if (Status s = ctx.users.revoke_session(p->user.id, sid); !s) return s.error();
  return Response::no_content();
}

Result<Response> user_sessions(const ApiContext& ctx, Request& req) {
  auto p = require_admin(ctx, req);
  if (!p) return p.error();
  if (auto u = ctx.users.get(path_id(req)); !u) return u.error();
  auto sessions = ctx.users.sessions(path_id(req));
  if (!sessions) return sessions.error();
  std::string out = "[";
  for (std::size_t i = 0; i < sessions->size(); ++i) {
    if (i) out += ',';
    out += session_json((*sessions)[i], (*sessions)[i].id == p->session_id);
  }
  return json_no_store(out + "]");
}

}  // namespace

void register_user_routes(http::Router& router, const ApiContext& ctx) {
  const std::string u = ctx.settings.api_root + "/users";
  const std::string id = u + "/{user_id:int}";
  auto& users = ctx.users;
  router.add("GET", u + "/", [&ctx](Request& r) { return list_users(ctx, r); });
  router.add("GET", u + "/me", [&ctx](Request& r) { return me(ctx, r); });
  router.add("GET", u + "/me/sessions", [&ctx](Request& r) { return my_sessions(ctx, r); });
  router.add("DELETE", u + "/me/sessions/{session_id}",
             [&ctx](Request& r) { return revoke_my_session(ctx, r); });
  router.add("POST", id + "/make-admin", [&ctx, &users](Request& r) {
    return admin_action(ctx, r, [&](const auto&, auto uid) { return users.make_admin(uid); });
  });
  router.add("POST", id + "/remove-admin", [&ctx, &users](Request& r) {
    return admin_action(ctx, r, [&](const auto&, auto uid) { return users.remove_admin(uid); });
  });
  router.add("POST", id + "/password", [&ctx](Request& r) { return change_password(ctx, r); });
  router.add("POST", id + "/ban", [&ctx](Request& r) { return ban_user(ctx, r); });
  router.add("POST", id + "/unban", [&ctx, &users](Request& r) {
    return admin_action(ctx, r, [&](const auto& p, auto uid) { return users.unban(p, uid); });
  });
  router.add("POST", id + "/unlock", [&ctx, &users](Request& r) {
    return admin_action(ctx, r, [&](const auto&, auto uid) { return users.unlock(uid); });
  });
  router.add("PUT", id, [&ctx](Request& r) { return update_user(ctx, r); });
  router.add("DELETE", id, [&ctx, &users](Request& r) {
    return admin_action(ctx, r, [&](const auto&, auto uid) { return users.remove(uid); });
  });
  router.add("GET", u + "/search", [&ctx](Request& r) { return search_users(ctx, r); });
  router.add("GET", id + "/sessions", [&ctx](Request& r) { return user_sessions(ctx, r); });
  router.add("DELETE", id + "/sessions", [&ctx, &users](Request& r) {
    return admin_action(ctx, r,
                        [&](const auto&, auto uid) { return users.revoke_all_sessions(uid); });
  });
}

}  // namespace gatehouse::api
