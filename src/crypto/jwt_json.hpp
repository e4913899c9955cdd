#pragma once
// Internal to crypto/ (JwtCodec uses it): the JSON halves of a token, parsed with Boost.JSON.
// One parser for every algorithm, so a claim's type rules do not depend on which library
// checked the signature.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "crypto/jwt.hpp"

namespace gatehouse::crypto::jwt_json {

// True when `header` is a JSON object whose "alg" is the string `algorithm`.
bool header_has_alg(std::string_view header, std::string_view algorithm);

// The member `name` of the JSON object `header` when it is a string (e.g. "kid"); nullopt
// otherwise.
std::optional<std::string> header_string(std::string_view header, std::string_view name);

// The claims of `payload` (a JSON object) for a token expected to be of type `expected`, at
// Unix time `now`, issued by `issuer`. Rules and errors as JwtCodec::decode: exp, iat integers;
// sub, typ, jti non-empty strings (an integer sub is invalid); exp > now ("That token has
// Expired" when only that is wrong); iss equal; typ equal in constant time; sid a non-empty
// string, required on access and refresh tokens.
Result<Claims> claims_from_payload(std::string_view payload, TokenType expected, std::int64_t now,
                                   std::string_view issuer);

}  // namespace gatehouse::crypto::jwt_json
