#pragma once
// Transport-neutral request and response types. Nothing here includes Beast or Asio, so
// handlers compile quickly; http/server.cpp converts to and from Beast's types.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/percent.hpp"
#include "observability/trace_context.hpp"

namespace gatehouse::http {

// Header list with case-insensitive lookup; small enough that a linear scan wins.
class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;

  // First value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Replaces every existing value of `name`.
  void set(std::string_view name, std::string value);
  // Appends without replacing (e.g. Vary).
  void add(std::string_view name, std::string value);
  void remove(std::string_view name);

  const std::vector<Entry>& entries() const { return entries_; }
  void reserve(std::size_t n) { entries_.reserve(n); }

 private:
  std::vector<Entry> entries_;
};

bool iequals(std::string_view a, std::string_view b);

struct PathParam {
  std::string name;
  std::string value;  // percent-decoded
};

struct Route;  // router.hpp

struct Request {
  std::string method;  // upper-case as sent, e.g. "GET"
  std::string path;    // raw path without the query, e.g. "/users/12"
  std::string query;   // raw query string without '?', possibly empty
  Headers headers;
  std::string body;
  bool keep_alive = true;

  std::string peer_ip;      // socket peer address
  std::string client_ip;    // peer, or from X-Forwarded-For when the peer is a trusted proxy
  std::string request_id;   // echoed X-Request-ID or a new UUID
  obs::TraceContext trace;  // W3C trace context (http/trace_headers.hpp); empty until prepared
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();

  // Filled by the router when a route matched.
  const Route* route = nullptr;
  std::vector<PathParam> params;

  // The decoded body, kept by the first reader that needs it twice in one request (an
  // access rule and its handler: api/json_body.hpp's shared_json_object).
  mutable std::shared_ptr<const void> decoded_body;

  std::optional<std::string_view> param(std::string_view name) const;
  // Percent-decoded value of the first query parameter `name`.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // The transport holds the response back until then, on a timer, without a thread: a
  // failed login must not answer sooner than the slowest password hash would
  // (services/login_timing.hpp). The default (the epoch) sends at once.
  std::chrono::steady_clock::time_point not_before{};
  // The domain code of an error answer (core/error.hpp), for the access log; null otherwise.
  const char* error_code = nullptr;

  static Response json(int status, std::string body);
  static Response html(int status, std::string body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  static Response redirect(int status, std::string location);
};

using gatehouse::percent_decode;

}  // namespace gatehouse::http
