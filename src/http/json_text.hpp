#pragma once
// Small JSON text helpers for hot paths that do not need a DOM (error bodies, request ids).
#include <string>
#include <string_view>

namespace gatehouse::http {

// `s` as a quoted JSON string. Invalid UTF-8 sequences become U+FFFD so the output is
// always valid JSON whatever a client sent.
std::string json_string(std::string_view s);

// {"detail":"<message>"}
std::string detail_json(std::string_view message);

}  // namespace gatehouse::http
