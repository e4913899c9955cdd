#include "observability/trace_context.hpp"

#include <algorithm>
#include <cstddef>

#include "core/ids.hpp"

namespace gatehouse::obs {

namespace {

constexpr std::size_t kTraceIdBytes = 16;
constexpr std::size_t kSpanIdBytes = 8;
// "00-" + 32 + "-" + 16 + "-" + 2
constexpr std::size_t kVersion00Length = 55;

thread_local const TraceContext* t_current = nullptr;

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// A random id of `bytes` bytes; all zero means "invalid" in the standard, so never that.
std::string fresh_id(std::size_t bytes) {
  std::string id = new_correlation_hex(bytes);
  while (all_zero(id)) id = new_correlation_hex(bytes);
  return id;
}

}  // namespace

std::optional<TraceParent> parse_traceparent(std::string_view value) {
  if (value.size() < kVersion00Length) return std::nullopt;
  const std::string_view version = value.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly four parts; a later version may append "-…" fields we ignore.
  if (version == "00" ? value.size() != kVersion00Length
                      : value.size() > kVersion00Length && value[kVersion00Length] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  const std::string_view trace_id = value.substr(3, 32);
  const std::string_view parent_id = value.substr(36, 16);
  const std::string_view flags = value.substr(53, 2);
  if (!is_lower_hex(trace_id) || !is_lower_hex(parent_id) || !is_lower_hex(flags)) {
    return std::nullopt;
  }
  if (all_zero(trace_id) || all_zero(parent_id)) return std::nullopt;
  return TraceParent{std::string(trace_id), std::string(parent_id), std::string(flags)};
}

TraceContext incoming_trace(std::optional<std::string_view> traceparent) {
  TraceContext trace;
  trace.span_id = new_span_id();
  const auto parent = traceparent ? parse_traceparent(*traceparent) : std::nullopt;
  if (!parent) {
    trace.trace_id = new_trace_id();
    return trace;
  }
  trace.trace_id = parent->trace_id;
  // Only the sampled bit is defined in level 1; the others are sent as zero.
  const char low = parent->flags[1];
  const int low_nibble = low <= '9' ? low - '0' : low - 'a' + 10;
  trace.flags = (low_nibble & 1) != 0 ? "01" : "00";
  return trace;
}

std::string format_traceparent(const TraceContext& trace) {
  return "00-" + trace.trace_id + "-" + trace.span_id + "-" + trace.flags;
}

std::string outgoing_traceparent(std::string_view trace_id, std::string_view flags) {
  return format_traceparent(TraceContext{std::string(trace_id), new_span_id(), std::string(flags)});
}

std::string new_trace_id() { return fresh_id(kTraceIdBytes); }
std::string new_span_id() { return fresh_id(kSpanIdBytes); }

TraceScope::TraceScope(const TraceContext& trace) : previous_(t_current) { t_current = &trace; }
TraceScope::~TraceScope() { t_current = previous_; }

const TraceContext* current_trace() { return t_current; }

}  // namespace gatehouse::obs
