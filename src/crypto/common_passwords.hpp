#pragma once
// The bundled list of common passwords (data/common_passwords.txt, compiled into the binary):
// the 30,000 most common passwords of zxcvbn 4.4.2, from the xato.net corpus.
#include <cstddef>
#include <string_view>

namespace gatehouse::crypto {

// True when `password`, lower-cased (ASCII), is in the list. The list is parsed once, on first
// use, into a hash set; thread-safe.
bool is_common_password(std::string_view password);

// Number of entries in the list (for tests and diagnostics).
std::size_t common_password_count();

}  // namespace gatehouse::crypto
