#include "http/cors.hpp"

#include <algorithm>

#include "http/json_text.hpp"

namespace gatehouse::http {

namespace {
constexpr const char* kAllowedMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
}

Cors::Cors(std::vector<std::string> origins, bool allow_credentials)
    : origins_(std::move(origins)), allow_credentials_(allow_credentials) {
  allow_all_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
  // Defence in depth: even if validation were bypassed, never pair * with credentials.
  if (allow_all_) allow_credentials_ = false;
}

bool Cors::origin_allowed(std::string_view origin) const {
  if (allow_all_) return true;
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<Response> Cors::preflight(const Request& req) const {
  if (req.method != "OPTIONS") return std::nullopt;
  const auto origin = req.headers.get("Origin");
  const auto requested_method = req.headers.get("Access-Control-Request-Method");
  if (!origin || !requested_method) return std::nullopt;
  if (!origin_allowed(*origin)) {
    Response r = Response::json(400, detail_json("Disallowed CORS origin"));
    r.headers.add("Vary", "Origin");
    return r;
  }
  Response r = Response::text(200, "OK");
  if (allow_all_) {
    r.headers.set("Access-Control-Allow-Origin", "*");
  } else {
    r.headers.set("Access-Control-Allow-Origin", std::string(*origin));
    r.headers.add("Vary", "Origin");
  }
  r.headers.set("Access-Control-Allow-Methods", kAllowedMethods);
  if (const auto h = req.headers.get("Access-Control-Request-Headers")) {
    r.headers.set("Access-Control-Allow-Headers", std::string(*h));
  }
  if (allow_credentials_) r.headers.set("Access-Control-Allow-Credentials", "true");
  r.headers.set("Access-Control-Max-Age", "600");
  return r;
}

void Cors::decorate(const Request& req, Response& resp) const {
  const auto origin = req.headers.get("Origin");
  if (!origin) return;
  if (allow_all_) {
    resp.headers.set("Access-Control-Allow-Origin", "*");
    return;
  }
  if (!origin_allowed(*origin)) return;
  resp.headers.set("Access-Control-Allow-Origin", std::string(*origin));
  resp.headers.add("Vary", "Origin");
  if (allow_credentials_) resp.headers.set("Access-Control-Allow-Credentials", "true");
}

}  // namespace gatehouse::http
