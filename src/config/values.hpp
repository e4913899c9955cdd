#pragma once
// Parsers for single setting values (internal to src/config). They return nullopt (or
// false) on invalid input; the caller words the error and names the variable.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::config::detail {

// The whole string (surrounding whitespace allowed) must be a decimal integer.
std::optional<std::int64_t> parse_integer(std::string_view s);

// true/false/1/0/yes/no/on/off, case-insensitive, surrounding whitespace allowed.
std::optional<bool> parse_bool(std::string_view s);

// An IPv4/IPv6 address, or one followed by "/<prefix>" with the prefix in range.
bool is_ip_or_cidr(std::string_view s);

struct NameUrl {
  std::string name;
  std::string url;
};
// A JSON object whose values are strings, e.g. {"name": "MIT", "url": "https://..."};
// keys other than name and url are ignored, missing ones are empty.
std::optional<NameUrl> parse_name_url_json(std::string_view s);
// The inverse, for display: {"name":"...","url":"..."}.
std::string name_url_json(const NameUrl& v);

}  // namespace gatehouse::config::detail
