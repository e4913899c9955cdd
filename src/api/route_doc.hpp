#pragma once
// What a route declares besides its handler: its summary and tag, the fields it reads, the
// answers it gives, the domain errors its service can refuse with, and (filled in by
// add_protected / add_limited) who may call it and which rate limits count it. Kept on the
// route (http::RouteOptions::meta); the readers look their fields up in it and the OpenAPI
// document (api/openapi.hpp) is rendered from it, so both read one declaration.
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "api/access_rule.hpp"
#include "api/fields.hpp"
#include "core/error.hpp"
#include "http/router.hpp"

namespace gatehouse::api {

// A header a route reads or answers with, for the OpenAPI document.
struct HeaderDoc {
  std::string_view name;
  std::string_view description;
};

// One successful (or otherwise expected) answer of a route.
struct Reply {
  int status = 200;
  std::string_view description;
  // components/schemas name of the body; empty: no body (204, 302) or a non-JSON body.
  std::string_view schema;
  std::string_view media_type = "application/json";
  std::vector<HeaderDoc> headers;  // the headers that carry the answer (GET /auth/check)
};

struct RouteDoc {
  std::string_view tag;
  std::string_view summary;
  std::string_view description;
  const FieldSet* body = nullptr;   // the JSON body it reads
  bool form_body = false;           // the body may also be a urlencoded form (HTML forms)
  bool body_optional = false;       // an empty body is accepted too
  const FieldSet* query = nullptr;  // the query parameters it reads
  std::vector<Reply> replies;
  // Domain refusals of the route's service, beyond the ones every route of its kind can give
  // (authentication, access, validation, rate limits: added from the declaration).
  std::vector<ErrorCode> errors;
  bool cached = false;                     // served through api/cached_route.hpp: may answer 304
  std::vector<HeaderDoc> request_headers;  // optional request headers it reads

  // Set by add_protected / add_limited.
  std::optional<Access> access;
  std::vector<std::string_view> limits;
};

// A RouteDoc as the router keeps it (RouteDoc itself stays an aggregate, for designated
// initialisers at registration).
struct DeclaredRoute final : http::RouteMeta {
  explicit DeclaredRoute(RouteDoc d) : doc(std::move(d)) {}
  RouteDoc doc;
};

// The declaration of the route `req` matched; throws std::logic_error when it has none (a
// reader used on a route registered without one).
const RouteDoc& route_doc(const http::Request& req);
// The declaration of `route`, or null.
const RouteDoc* find_route_doc(const http::Route& route);

// `options` carrying `doc`.
http::RouteOptions with_doc(RouteDoc doc, http::RouteOptions options = {});

// Registers an unprotected, unlimited route with its declaration.
void add_route(http::Router& router, std::string_view method, std::string_view pattern,
               RouteDoc doc, http::Handler handler, http::RouteOptions options = {});

}  // namespace gatehouse::api
