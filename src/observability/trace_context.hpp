#pragma once
// W3C Trace Context (level 1) for one request: the `traceparent` header parsed and formatted,
// and the trace of the request a thread is handling, which log() appends to every line
// (docs/operations.md "Trace context"). Gatehouse records no spans itself: it propagates the
// trace id and logs it, so a log pipeline or an upstream proxy can correlate.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::obs {

// A valid traceparent header's fields.
struct TraceParent {
  std::string trace_id;   // 32 lower-case hex characters, not all zero
  std::string parent_id;  // 16 lower-case hex characters, not all zero
  std::string flags;      // 2 lower-case hex characters
};

// Parses a traceparent value: `<version>-<trace-id>-<parent-id>-<flags>`, every part lower-case
// hex. nullopt when invalid: version "ff" or not 2 hex characters; an all-zero trace-id or
// parent-id; any upper-case hex; version 00 with anything but exactly these four parts (55
// characters); a higher version whose first four parts do not parse or are followed by
// anything but "-…" (later versions may add fields).
std::optional<TraceParent> parse_traceparent(std::string_view value);

// The trace context of one request.
struct TraceContext {
  std::string trace_id;  // kept from a valid traceparent, or fresh
  std::string span_id;   // ours, fresh for every request
  std::string flags = "00";
};

// The context for a request that sent `traceparent` (nullopt when it sent none or several):
// its trace id and sampled flag when valid, a fresh trace id otherwise; always a fresh span id.
TraceContext incoming_trace(std::optional<std::string_view> traceparent);

// `00-<trace_id>-<span_id>-<flags>`: the response header and what an outgoing call sends.
std::string format_traceparent(const TraceContext& trace);

// The traceparent an outgoing HTTP call made for trace `trace_id` sends: a new span id as its
// parent-id, flags as given. For the webhook deliveries (docs/operations.md).
std::string outgoing_traceparent(std::string_view trace_id, std::string_view flags = "00");

// A fresh random id of 16 (trace) or 8 (span) bytes, as lower-case hex, never all zero.
std::string new_trace_id();
std::string new_span_id();

// Makes `trace` the current thread's trace until destroyed (then the previous one again).
// `trace` must outlive the scope.
class TraceScope {
 public:
  explicit TraceScope(const TraceContext& trace);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  const TraceContext* previous_;
};

// The trace of the request this thread is handling, or nullptr.
const TraceContext* current_trace();

}  // namespace gatehouse::obs
