#pragma once
// JSON text of single strings and of {"detail": ...} (error bodies, request ids), written by
// Boost.JSON; this header stays free of it.
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::http {

// `s` with every invalid UTF-8 sequence replaced by U+FFFD: Boost.JSON writes strings as
// given, and a body must be valid JSON whatever a client or an import stored.
std::string valid_utf8(std::string_view s);

// valid_utf8(s) cut to at most `max_bytes` on a character boundary: a client's free text
// (the User-Agent) as the database stores it, whatever bytes and length the client sent.
std::string valid_utf8_prefix(std::string_view s, std::size_t max_bytes);

// The request's User-Agent as stored with a session or an audit event: valid UTF-8, at most
// 255 bytes; empty when absent.
inline constexpr std::size_t kStoredUserAgentBytes = 255;

// `s` as a quoted JSON string. Invalid UTF-8 sequences become U+FFFD so the output is
// always valid JSON whatever a client sent.
std::string json_string(std::string_view s);

// {"detail":"<message>"}
std::string detail_json(std::string_view message);

}  // namespace gatehouse::http
