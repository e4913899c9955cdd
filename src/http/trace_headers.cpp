#include "http/trace_headers.hpp"

#include <optional>
#include <string_view>

namespace gatehouse::http {

void adopt_trace_context(Request& req) {
  if (!req.trace.trace_id.empty()) return;
  std::optional<std::string_view> value;
  int count = 0;
  for (const auto& [name, v] : req.headers.entries()) {
    if (!iequals(name, "traceparent")) continue;
    value = v;
    ++count;
  }
  req.trace = obs::incoming_trace(count == 1 ? value : std::nullopt);
}

void add_trace_header(const Request& req, Response& resp) {
  if (req.trace.trace_id.empty()) return;
  resp.headers.set("traceparent", obs::format_traceparent(req.trace));
}

}  // namespace gatehouse::http
