#pragma once
// The JSON text of a list of strings (["a","b"]). SQLite stores api_keys.scopes this way,
// and PostgreSQL's VARCHAR[] is read back through array_to_json(), so both backends share
// one decoder (Boost.JSON).
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

// Compact JSON array of strings; control characters, '"' and '\' are escaped.
std::string encode_string_list(const std::vector<std::string>& items);

// Decodes a JSON array whose elements are all strings (whitespace allowed, \uXXXX escapes
// including surrogate pairs). nullopt for anything else.
std::optional<std::vector<std::string>> decode_string_list(const std::string& json);

}  // namespace gatehouse::store
