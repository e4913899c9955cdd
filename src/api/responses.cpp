#include "api/responses.hpp"

#include "http/json_text.hpp"

namespace gatehouse::api {

http::Response message_response(int status, const std::string& message) {
  return http::Response::json(status, "{\"message\":" + http::json_string(message) + "}");
}

void no_store(http::Response& resp) { resp.headers.set("Cache-Control", "no-store"); }

http::Response token_response(const services::TokenPair& pair) {
  auto r = http::Response::json(200, "{\"token\":" + http::json_string(pair.token) +
                                         ",\"refresh\":" + http::json_string(pair.refresh) + "}");
  no_store(r);
  return r;
}

std::optional<std::string> form_value(const std::string& body, std::string_view name) {
  std::string_view rest = body;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string()
                                          : percent_decode(pair.substr(eq + 1), true);
    }
  }
  return std::nullopt;
}

bool is_form_request(const http::Request& req) {
  const auto ct = req.headers.get("Content-Type");
  return ct && ct->find("application/x-www-form-urlencoded") != std::string_view::npos;
}

}  // namespace gatehouse::api
