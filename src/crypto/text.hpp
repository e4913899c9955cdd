#pragma once
// Internal to crypto/: small text helpers for the password rules.
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

// `s` with ASCII A-Z mapped to a-z; every other byte (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view s);

// Number of Unicode code points in UTF-8 `s` (bytes that are not continuation bytes), as
// Python's len() counts a str.
std::size_t utf8_length(std::string_view s);

}  // namespace gatehouse::crypto
