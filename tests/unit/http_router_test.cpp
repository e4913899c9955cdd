// Router: Starlette's matching rules (exact paths, 307 on a trailing-slash mismatch, 405
// with Allow, 404), typed path parameters checked after matching (422, pydantic shape).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace gatehouse::http {
namespace {

Handler noop() {
  return [](Request&) -> Result<Response> { return Response::text(200, "ok"); };
}

std::string param(const Match& m, std::string_view name) {
  for (const PathParam& p : m.params) {
    if (p.name == name) return p.value;
  }
  return "<missing>";
}

TEST(RouterTest, MatchesLiteralPaths) {
  Router r;
  r.add("GET", "/", noop());
  r.add("GET", "/heartbeat", noop());
  r.add("GET", "/users/me", noop());

  const Match root = r.match("GET", "/");
  ASSERT_EQ(root.kind, Match::Kind::kFound);
  EXPECT_EQ(root.route->pattern, "/");
  EXPECT_TRUE(root.params.empty());

  const Match hb = r.match("GET", "/heartbeat");
  ASSERT_EQ(hb.kind, Match::Kind::kFound);
  EXPECT_EQ(hb.route->pattern, "/heartbeat");

  const Match me = r.match("GET", "/users/me");
  ASSERT_EQ(me.kind, Match::Kind::kFound);
  EXPECT_EQ(me.route->pattern, "/users/me");

  EXPECT_EQ(r.match("GET", "/users").kind, Match::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/users/me/x").kind, Match::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/heart").kind, Match::Kind::kNotFound);
  // Literal comparison is case-sensitive.
  EXPECT_EQ(r.match("GET", "/Heartbeat").kind, Match::Kind::kNotFound);
}

TEST(RouterTest, MatchesParametersAndDecodesThem) {
  Router r;
  r.add("GET", "/users/{user_id}", noop());
  r.add("GET", "/orgs/{org}/members/{member:str}", noop());

  const Match m = r.match("GET", "/users/alice");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].name, "user_id");
  EXPECT_EQ(m.params[0].value, "alice");

  const Match enc = r.match("GET", "/users/a%20b%2Fc");
  ASSERT_EQ(enc.kind, Match::Kind::kFound);
  EXPECT_EQ(param(enc, "user_id"), "a b/c");

  const Match two = r.match("GET", "/orgs/acme/members/bob");
  ASSERT_EQ(two.kind, Match::Kind::kFound);
  ASSERT_EQ(two.params.size(), 2u);
  EXPECT_EQ(param(two, "org"), "acme");
  EXPECT_EQ(param(two, "member"), "bob");

  // A parameter never matches an empty segment or several segments.
  EXPECT_NE(r.match("GET", "/users//").kind, Match::Kind::kFound);
  EXPECT_EQ(r.match("GET", "/users/a/b").kind, Match::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/orgs//members/bob").kind, Match::Kind::kNotFound);
}

TEST(RouterTest, RegistrationOrderWins) {
  Router r;
  r.add("GET", "/users/me", noop());
  r.add("GET", "/users/{user_id}", noop());
  r.add("GET", "/items/{item_id}", noop());
  r.add("GET", "/items/special", noop());

  const Match me = r.match("GET", "/users/me");
  ASSERT_EQ(me.kind, Match::Kind::kFound);
  EXPECT_EQ(me.route->pattern, "/users/me");
  EXPECT_TRUE(me.params.empty());

  const Match other = r.match("GET", "/users/42");
  ASSERT_EQ(other.kind, Match::Kind::kFound);
  EXPECT_EQ(other.route->pattern, "/users/{user_id}");

  // The parameter route was registered first, so it shadows the literal one.
  const Match special = r.match("GET", "/items/special");
  ASSERT_EQ(special.kind, Match::Kind::kFound);
  EXPECT_EQ(special.route->pattern, "/items/{item_id}");
  EXPECT_EQ(param(special, "item_id"), "special");
}

TEST(RouterTest, LaterRouteWithTheRightMethodBeatsEarlierMethodMismatch) {
  Router r;
  r.add("POST", "/users/me", noop());
  r.add("GET", "/users/{user_id}", noop());
  const Match m = r.match("GET", "/users/me");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/users/{user_id}");
}

TEST(RouterTest, IntParameterAcceptsIntegers) {
  Router r;
  r.add("GET", "/users/{id:int}", noop());
  for (const char* value : {"0", "12", "-5", "9223372036854775807", "-9223372036854775808"}) {
    const Match m = r.match("GET", std::string("/users/") + value);
    ASSERT_EQ(m.kind, Match::Kind::kFound) << value;
    EXPECT_EQ(param(m, "id"), value);
    EXPECT_TRUE(check_param_types(*m.route, m.params)) << value;
  }
}

TEST(RouterTest, IntParameterRejectsNonIntegerWithPydanticShape) {
  Router r;
  r.add("GET", "/users/{id:int}", noop());
  // Matching does not look at the type: a non-integer is a 422, not a 404.
  const Match m = r.match("GET", "/users/abc");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  const Status s = check_param_types(*m.route, m.params);
  ASSERT_FALSE(s);
  const Error& e = s.error();
  EXPECT_EQ(e.code, ErrorCode::kValidationFailed);
  ASSERT_EQ(e.fields.size(), 1u);
  const FieldError& f = e.fields[0];
  EXPECT_EQ(f.type, "int_parsing");
  EXPECT_EQ(f.loc, (std::vector<std::string>{"path", "id"}));
  EXPECT_EQ(f.msg, "Input should be a valid integer, unable to parse string as an integer");
  EXPECT_EQ(f.input_json, "\"abc\"");
  EXPECT_TRUE(f.ctx_json.empty());
}

TEST(RouterTest, IntParameterRejectsMalformedAndOutOfRangeValues) {
  Router r;
  r.add("GET", "/users/{id:int}", noop());
  for (const char* value : {"1.5", "12abc", "abc12", "0x10", "1e3", "%20", "-",
                            "99999999999999999999", "-99999999999999999999"}) {
    const Match m = r.match("GET", std::string("/users/") + value);
    ASSERT_EQ(m.kind, Match::Kind::kFound) << value;
    const Status s = check_param_types(*m.route, m.params);
    ASSERT_FALSE(s) << value;
    ASSERT_EQ(s.error().fields.size(), 1u);
    EXPECT_EQ(s.error().fields[0].type, "int_parsing") << value;
  }
}

TEST(RouterTest, IntParameterErrorInputIsTheDecodedValueAsJson) {
  Router r;
  r.add("GET", "/users/{id:int}", noop());
  const Match m = r.match("GET", "/users/a%22b");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  const Status s = check_param_types(*m.route, m.params);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().fields[0].input_json, "\"a\\\"b\"");
}

TEST(RouterTest, SeveralBadParametersGiveOneErrorEach) {
  Router r;
  r.add("GET", "/a/{x:int}/b/{k:uuid}/c/{y:int}", noop());
  const Match m = r.match("GET", "/a/one/b/not-a-uuid/c/3");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  const Status s = check_param_types(*m.route, m.params);
  ASSERT_FALSE(s);
  ASSERT_EQ(s.error().fields.size(), 2u);
  EXPECT_EQ(s.error().fields[0].loc, (std::vector<std::string>{"path", "x"}));
  EXPECT_EQ(s.error().fields[1].loc, (std::vector<std::string>{"path", "k"}));
  EXPECT_EQ(s.error().fields[1].type, "uuid_parsing");
}

TEST(RouterTest, UuidParameterValidation) {
  Router r;
  r.add("DELETE", "/users/keys/{key:uuid}", noop());
  for (const char* good :
       {"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"}) {
    const Match m = r.match("DELETE", std::string("/users/keys/") + good);
    ASSERT_EQ(m.kind, Match::Kind::kFound) << good;
    EXPECT_EQ(param(m, "key"), good);
    EXPECT_TRUE(check_param_types(*m.route, m.params)) << good;
  }
  for (const char* bad :
       {"abc", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567xe89b-12d3-a456-426614174000", "g23e4567-e89b-12d3-a456-426614174000"}) {
    const Match m = r.match("DELETE", std::string("/users/keys/") + bad);
    ASSERT_EQ(m.kind, Match::Kind::kFound) << bad;
    const Status s = check_param_types(*m.route, m.params);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kValidationFailed);
    ASSERT_EQ(s.error().fields.size(), 1u);
    const Error e = s.error();
    const FieldError& f = e.fields[0];
    EXPECT_EQ(f.type, "uuid_parsing");
    EXPECT_EQ(f.loc, (std::vector<std::string>{"path", "key"}));
    EXPECT_EQ(f.input_json, "\"" + std::string(bad) + "\"");
  }
}

TEST(RouterTest, StringParametersAreNotTypeChecked) {
  Router r;
  r.add("GET", "/u/{name}", noop());
  const Match m = r.match("GET", "/u/anything%20goes");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  EXPECT_TRUE(check_param_types(*m.route, m.params));
}

TEST(RouterTest, PathParameterCapturesTheRestDecoded) {
  Router r;
  r.add("GET", "/static/{file:path}", noop());

  const Match one = r.match("GET", "/static/site.css");
  ASSERT_EQ(one.kind, Match::Kind::kFound);
  EXPECT_EQ(param(one, "file"), "site.css");

  const Match deep = r.match("GET", "/static/css/themes/dark.css");
  ASSERT_EQ(deep.kind, Match::Kind::kFound);
  EXPECT_EQ(param(deep, "file"), "css/themes/dark.css");

  const Match enc = r.match("GET", "/static/my%20dir/a%2Fb.txt");
  ASSERT_EQ(enc.kind, Match::Kind::kFound);
  EXPECT_EQ(param(enc, "file"), "my dir/a/b.txt");

  // A trailing slash belongs to the captured value rather than causing a redirect.
  const Match slash = r.match("GET", "/static/css/");
  ASSERT_EQ(slash.kind, Match::Kind::kFound);
  EXPECT_EQ(param(slash, "file"), "css/");

  // Traversal-looking input is captured verbatim; the asset layer refuses it.
  const Match dots = r.match("GET", "/static/../etc/passwd");
  ASSERT_EQ(dots.kind, Match::Kind::kFound);
  EXPECT_EQ(param(dots, "file"), "../etc/passwd");

  EXPECT_TRUE(check_param_types(*deep.route, deep.params));
  EXPECT_NE(r.match("GET", "/static").kind, Match::Kind::kFound);
  EXPECT_EQ(r.match("GET", "/other/site.css").kind, Match::Kind::kNotFound);
}

TEST(RouterTest, MethodNotAllowedListsEachMethodOnceInRegistrationOrder) {
  Router r;
  r.add("PUT", "/users/{id:int}", noop());
  r.add("GET", "/users/{id:int}", noop());
  r.add("PUT", "/users/{id}", noop());  // same path again, same method
  r.add("DELETE", "/users/{id:int}", noop());
  r.add("POST", "/other", noop());

  const Match m = r.match("PATCH", "/users/3");
  EXPECT_EQ(m.kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "PUT, GET, DELETE");

  const Match single = r.match("GET", "/other");
  EXPECT_EQ(single.kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(single.allow, "POST");

  // Methods are case-sensitive tokens; HEAD is not added automatically.
  EXPECT_EQ(r.match("get", "/other").kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(r.match("HEAD", "/users/3").kind, Match::Kind::kMethodNotAllowed);
}

TEST(RouterTest, RedirectsToToggledTrailingSlash) {
  Router r;
  r.add("POST", "/register/", noop());
  r.add("GET", "/users/", noop());
  r.add("GET", "/users/me", noop());
  r.add("POST", "/users/keys", noop());

  const Match a = r.match("POST", "/register");
  EXPECT_EQ(a.kind, Match::Kind::kRedirect);
  EXPECT_EQ(a.redirect_path, "/register/");

  const Match b = r.match("GET", "/users");
  EXPECT_EQ(b.kind, Match::Kind::kRedirect);
  EXPECT_EQ(b.redirect_path, "/users/");

  const Match c = r.match("GET", "/users/me/");
  EXPECT_EQ(c.kind, Match::Kind::kRedirect);
  EXPECT_EQ(c.redirect_path, "/users/me");

  const Match d = r.match("POST", "/users/keys/");
  EXPECT_EQ(d.kind, Match::Kind::kRedirect);
  EXPECT_EQ(d.redirect_path, "/users/keys");

  // Starlette redirects whatever the method; the 405 (if any) comes after the redirect.
  const Match e = r.match("GET", "/register");
  EXPECT_EQ(e.kind, Match::Kind::kRedirect);
  EXPECT_EQ(e.redirect_path, "/register/");
}

TEST(RouterTest, RedirectsToParameterisedForm) {
  Router r;
  r.add("GET", "/users/{id:int}", noop());
  const Match m = r.match("GET", "/users/12/");
  EXPECT_EQ(m.kind, Match::Kind::kRedirect);
  EXPECT_EQ(m.redirect_path, "/users/12");
}

TEST(RouterTest, NoRedirectWhenThePathItselfMatches) {
  Router r;
  r.add("GET", "/users/", noop());
  r.add("POST", "/users", noop());
  // "/users" exists (for POST): a GET there is a 405, never a redirect to "/users/".
  const Match m = r.match("GET", "/users");
  EXPECT_EQ(m.kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "POST");
  EXPECT_TRUE(m.redirect_path.empty());
  // And the other way round.
  const Match n = r.match("POST", "/users/");
  EXPECT_EQ(n.kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(n.allow, "GET");
}

TEST(RouterTest, NoRedirectForRoot) {
  Router r;
  r.add("GET", "/", noop());
  r.add("GET", "/x", noop());
  EXPECT_EQ(r.match("GET", "/").kind, Match::Kind::kFound);
  EXPECT_EQ(r.match("POST", "/").kind, Match::Kind::kMethodNotAllowed);

  Router empty_root;
  empty_root.add("GET", "/x", noop());
  const Match m = empty_root.match("GET", "/");
  EXPECT_EQ(m.kind, Match::Kind::kNotFound);
  EXPECT_TRUE(m.redirect_path.empty());
}

TEST(RouterTest, NotFoundOtherwise) {
  Router r;
  r.add("GET", "/users/me", noop());
  const Match m = r.match("GET", "/nope");
  EXPECT_EQ(m.kind, Match::Kind::kNotFound);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.params.empty());
  EXPECT_TRUE(m.allow.empty());
  EXPECT_TRUE(m.redirect_path.empty());
  EXPECT_EQ(r.match("GET", "/nope/").kind, Match::Kind::kNotFound);
  EXPECT_EQ(Router().match("GET", "/anything").kind, Match::Kind::kNotFound);
}

TEST(RouterTest, AddReturnsTheStoredRouteWithOptions) {
  Router r;
  Route& route = r.add("GET", "/heartbeat", noop(), {.inline_handler = true, .untracked = true});
  EXPECT_EQ(route.method, "GET");
  EXPECT_EQ(route.pattern, "/heartbeat");
  EXPECT_TRUE(route.options.inline_handler);
  EXPECT_TRUE(route.options.untracked);
  ASSERT_EQ(r.routes().size(), 1u);
  const Match m = r.match("GET", "/heartbeat");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  EXPECT_TRUE(m.route->options.inline_handler);
  Request req;
  auto res = m.route->handler(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "ok");
}

TEST(RouterTest, ParsesSegmentTypes) {
  Router r;
  const Route& route = r.add("GET", "/a/{s}/{t:str}/{i:int}/{u:uuid}/{p:path}", noop());
  ASSERT_EQ(route.segments.size(), 6u);
  EXPECT_FALSE(route.segments[0].is_param);
  EXPECT_EQ(route.segments[0].literal, "a");
  EXPECT_EQ(route.segments[1].type, ParamType::kString);
  EXPECT_EQ(route.segments[1].name, "s");
  EXPECT_EQ(route.segments[2].type, ParamType::kString);
  EXPECT_EQ(route.segments[2].name, "t");
  EXPECT_EQ(route.segments[3].type, ParamType::kInt);
  EXPECT_EQ(route.segments[4].type, ParamType::kUuid);
  EXPECT_EQ(route.segments[5].type, ParamType::kPath);
  EXPECT_EQ(route.segments[5].name, "p");
  EXPECT_FALSE(route.trailing_slash);
  EXPECT_TRUE(r.add("GET", "/b/", noop()).trailing_slash);
  EXPECT_FALSE(r.add("GET", "/", noop()).trailing_slash);
}

TEST(RouterTest, MalformedTemplatesThrow) {
  Router r;
  EXPECT_THROW(r.add("GET", "", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "users", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/users/{}", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/users/{:int}", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/users/{id:float}", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/users/{id:}", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/users/{id:INT}", noop()), std::invalid_argument);
  EXPECT_TRUE(r.routes().empty());
}

// BUG: src/http/router.cpp parse_segment() treats a segment with an unbalanced brace
// ("{id", "id}") as a literal instead of rejecting the template, so a typo in a route
// registration silently produces a route that can never match what was intended.
TEST(RouterTest, UnbalancedBracesThrow) {
  Router r;
  EXPECT_THROW(r.add("GET", "/users/{id", noop()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/users/id}", noop()), std::invalid_argument);
}

}  // namespace
}  // namespace gatehouse::http
