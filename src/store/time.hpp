#pragma once
// Timestamps in storage are UTC with microsecond precision.
#include <chrono>
#include <optional>
#include <string>

namespace gatehouse::store {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

Timestamp now_utc();

// ISO-8601 UTC with a trailing Z, e.g. 2026-11-29T17:00:00.123456Z.
std::string format_iso8601(Timestamp t);
// format_iso8601 of a present value; nullopt stays nullopt (a NULL column).
std::optional<std::string> format_optional_iso8601(const std::optional<Timestamp>& t);

// Accepts what format_iso8601 produces and PostgreSQL's text forms
// ("2026-11-29 17:00:00.123456+00"); nullopt when it cannot parse.
std::optional<Timestamp> parse_iso8601(const std::string& text);

}  // namespace gatehouse::store
