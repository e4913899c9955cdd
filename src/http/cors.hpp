#pragma once
// CORS with Starlette's semantics, minus its unsafe combination: credentials are never
// sent together with a wildcard origin (config validation refuses that setting).
#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace gatehouse::http {

class Cors {
 public:
  Cors(std::vector<std::string> origins, bool allow_credentials);

  // For an OPTIONS preflight (Origin + Access-Control-Request-Method): the complete answer,
  // 200 when allowed, 400 when not. nullopt for any other request.
  std::optional<Response> preflight(const Request& req) const;

  // Adds the CORS headers of a simple (non-preflight) response.
  void decorate(const Request& req, Response& resp) const;

 private:
  bool origin_allowed(std::string_view origin) const;

  std::vector<std::string> origins_;
  bool allow_all_ = false;
  bool allow_credentials_ = false;
};

}  // namespace gatehouse::http
