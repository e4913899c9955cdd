#pragma once
// Percent-encoding (RFC 3986) and application/x-www-form-urlencoded text, shared by URL
// parsing in config, storage DSNs, query strings, form bodies, mail links and log redaction.
// Boost.URL does the work (core/percent.cpp); this header stays free of it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// Decodes %XX escapes; invalid escapes are kept verbatim. With `plus_as_space`, '+' becomes
// ' ' (application/x-www-form-urlencoded).
std::string percent_decode(std::string_view s, bool plus_as_space = false);

// Escapes every byte but the unreserved characters A-Z a-z 0-9 - . _ ~ as upper-case %XX.
// With `space_as_plus`, ' ' becomes '+' (Python's quote_plus).
std::string percent_encode(std::string_view s, bool space_as_plus = false);

struct FormField {
  std::string name;   // decoded
  std::string value;  // decoded; empty when the pair has no '='
  bool has_value = false;
};

// The '&'-separated pairs of a query string or form body, in order, names and values split
// at the first '=' and decoded like percent_decode(…, true). Empty pairs ("a&&b") are kept
// as a field with an empty name and no value.
std::vector<FormField> parse_form(std::string_view text);

// Decoded value of the first field called `name` (empty when it has no '='), or nullopt.
std::optional<std::string> form_field(std::string_view text, std::string_view name);

}  // namespace gatehouse
