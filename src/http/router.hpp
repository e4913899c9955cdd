#pragma once
// Method + path-template routing with Starlette's rules: exact paths, a trailing-slash
// mismatch answers 307 to the registered form, a known path with another method 405.
// Templates: "/users/{user_id:int}", "/users/keys/{key_id:uuid}", "/static/{file:path}",
// "{name}" for a plain string segment. Parameter types are checked after matching, so a
// non-integer user_id is a 422 (as FastAPI does), not a 404.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"

namespace gatehouse::http {

using Handler = std::function<Result<Response>(Request&)>;

// What the application layer declares about a route beyond its handler (api/route_doc.hpp:
// fields, answers, access), kept with the route so readers and the OpenAPI document share
// one declaration. The transport never looks inside.
struct RouteMeta {
  RouteMeta() = default;
  RouteMeta(const RouteMeta&) = default;
  RouteMeta& operator=(const RouteMeta&) = default;
  RouteMeta(RouteMeta&&) = default;
  RouteMeta& operator=(RouteMeta&&) = default;
  virtual ~RouteMeta() = default;
};

struct RouteOptions {
  // Cheap handlers with no I/O (heartbeat, embedded assets) run on the I/O thread;
  // everything else goes to the bounded worker pool.
  bool inline_handler = false;
  // Waits for a password hash (login, register, password changes): runs in the password
  // lane, so those requests queue among themselves and never hold the general workers.
  bool password_hashing = false;
  // Excluded from request metrics and, for the heartbeat, nothing else.
  bool untracked = false;
  // The handler checks the typed path parameters itself (check_param_types), after
  // authentication: protected routes answer 401/403 before a 422 for a bad path parameter,
  // as the reference's dependencies run before FastAPI's validation.
  bool handler_checks_params = false;
  // The application's declaration of this route (null for none).
  std::shared_ptr<const RouteMeta> meta;
};

enum class ParamType { kString, kInt, kUuid, kPath };

struct Segment {
  std::string literal;  // when !is_param
  bool is_param = false;
  std::string name;
  ParamType type = ParamType::kString;
};

struct Route {
  std::string method;
  std::string pattern;  // as registered, used as the metrics "handler" label
  std::vector<Segment> segments;
  bool trailing_slash = false;
  Handler handler;
  RouteOptions options;
};

struct Match {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed, kRedirect };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;
  std::vector<PathParam> params;
  std::string allow;          // for kMethodNotAllowed: "GET, POST"
  std::string redirect_path;  // for kRedirect: the registered form of the path
};

class Router {
 public:
  // Registers a route. Throws std::invalid_argument for a malformed template (a bug).
  Route& add(std::string method, std::string_view pattern, Handler handler,
             RouteOptions options = {});

  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  bool path_matches(const Route& r, std::string_view path,
                    const std::vector<std::string_view>& parts,
                    std::vector<PathParam>* params) const;

  std::vector<Route> routes_;
};

// Checks typed parameters of a matched route; a 422 in the pydantic shape on failure
// (loc ["path", name], type int_parsing / uuid_parsing).
Status check_param_types(const Route& route, const std::vector<PathParam>& params);

}  // namespace gatehouse::http
