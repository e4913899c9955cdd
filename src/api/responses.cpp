#include "api/responses.hpp"

#include <boost/json/serialize.hpp>

#include "http/json_text.hpp"

namespace gatehouse::api {

namespace json = boost::json;

http::Response message_response(int status, const std::string& message) {
  return http::Response::json(
      status, json::serialize(json::object{{"message", json::string(http::valid_utf8(message))}}));
}

void no_store(http::Response& resp) { resp.headers.set("Cache-Control", "no-store"); }

http::Response token_response(const services::TokenPair& pair) {
  auto r = http::Response::json(
      200, json::serialize(json::object{{"token", pair.token}, {"refresh", pair.refresh}}));
  no_store(r);
  return r;
}

std::optional<std::string> form_value(const std::string& body, std::string_view name) {
  return form_field(body, name);
}

bool is_form_request(const http::Request& req) {
  const auto ct = req.headers.get("Content-Type");
  return ct && ct->find("application/x-www-form-urlencoded") != std::string_view::npos;
}

http::Response json_no_store(int status, std::string body) {
  auto r = http::Response::json(status, std::move(body));
  no_store(r);
  return r;
}

}  // namespace gatehouse::api
