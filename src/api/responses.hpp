#pragma once
// Small renderers shared by the resource files.
#include <string>

#include "http/request.hpp"
#include "services/auth_service.hpp"

namespace gatehouse::api {

// {"message": "..."} with `status`.
http::Response message_response(int status, const std::string& message);

// {"token","refresh"}, never stored by caches.
http::Response token_response(const services::TokenPair& pair);

// Marks a response that carries tokens or personal data (docs/http-api.md §1).
void no_store(http::Response& resp);

// A JSON answer with `Cache-Control: no-store` (an authenticated answer).
http::Response json_no_store(int status, std::string body);

// application/x-www-form-urlencoded body: first value of `name`, or nullopt.
std::optional<std::string> form_value(const std::string& body, std::string_view name);

bool is_form_request(const http::Request& req);

}  // namespace gatehouse::api
