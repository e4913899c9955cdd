#pragma once
// Internal to crypto/ (JwtCodec uses it): typed access to the claims of a decoded libjwt token.
// Reads the JSON text of each claim rather than trusting libjwt's getters, whose handling of a
// claim of the wrong JSON type differs between libjwt releases.
#include <jwt.h>

#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::crypto::jwt_claims {

// The claim `name` when present and a JSON string; nullopt when absent or of another type.
std::optional<std::string> string_claim(jwt_t* jwt, const char* name);

// The claim `name` when present and a JSON integer that fits in 64 bits; nullopt otherwise
// (absent, string, float, boolean, …).
std::optional<std::int64_t> integer_claim(jwt_t* jwt, const char* name);

// True when the claim `name` is present, whatever its type.
bool has_claim(jwt_t* jwt, const char* name);

}  // namespace gatehouse::crypto::jwt_claims
