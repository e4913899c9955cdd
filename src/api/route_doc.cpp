#include "api/route_doc.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace gatehouse::api {

const RouteDoc* find_route_doc(const http::Route& route) {
  const auto* declared = dynamic_cast<const DeclaredRoute*>(route.options.meta.get());
  return declared ? &declared->doc : nullptr;
}

const RouteDoc& route_doc(const http::Request& req) {
  const RouteDoc* doc = req.route ? find_route_doc(*req.route) : nullptr;
  if (!doc) {
    throw std::logic_error("route " + (req.route ? req.route->pattern : std::string("?")) +
                           " has no declaration (api/route_doc.hpp)");
  }
  return *doc;
}

http::RouteOptions with_doc(RouteDoc doc, http::RouteOptions options) {
  options.meta = std::make_shared<const DeclaredRoute>(std::move(doc));
  return options;
}

void add_route(http::Router& router, std::string_view method, std::string_view pattern,
               RouteDoc doc, http::Handler handler, http::RouteOptions options) {
  router.add(std::string(method), pattern, std::move(handler),
             with_doc(std::move(doc), std::move(options)));
}

}  // namespace gatehouse::api
