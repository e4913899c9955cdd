#pragma once
// Small string helpers shared by the config loader (internal to src/config).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::config::detail {

std::string_view trim(std::string_view s);
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// Splits on ',', trims every item and drops the empty ones.
std::vector<std::string> split_list(std::string_view s);

// `s` in double quotes for an error message: control characters and quotes escaped,
// long values shortened. Never use it on a secret.
std::string quote(std::string_view s);

// Percent-encodes everything except RFC 3986 unreserved characters.
std::string percent_encode(std::string_view s);

// Number of code points of a UTF-8 string (what Python's len() reports).
std::size_t utf8_length(std::string_view s);

}  // namespace gatehouse::config::detail
