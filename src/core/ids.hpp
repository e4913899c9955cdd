#pragma once
// Identifiers that need to be unique but not secret (request ids, row ids).
#include <string>

namespace gatehouse {

// A random RFC 4122 version-4 UUID in canonical lower-case form.
std::string new_uuid();

// True when `s` is a canonical 8-4-4-4-12 hex UUID (any case).
bool is_uuid(const std::string& s);

}  // namespace gatehouse
