#pragma once
// Percent-encoding (RFC 3986), shared by URL parsing in config, storage DSNs, query strings
// and log redaction.
#include <string>
#include <string_view>

namespace gatehouse {

// Value of a hex digit, or -1.
int hex_digit_value(char c);

// Decodes %XX escapes; invalid escapes are kept verbatim. With `plus_as_space`, '+' becomes
// ' ' (application/x-www-form-urlencoded).
std::string percent_decode(std::string_view s, bool plus_as_space = false);

}  // namespace gatehouse
