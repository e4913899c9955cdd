#pragma once
// Byte-to-text encodings used by tokens, keys and hashes.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

// Base64url (RFC 4648 §5) of `bytes`, without '=' padding.
std::string base64url_encode(std::string_view bytes);

// Decodes unpadded base64url. Returns nullopt when `text` contains any character outside
// [A-Za-z0-9_-], padding, whitespace, or non-canonical trailing bits.
std::optional<std::string> base64url_decode(std::string_view text);

// The same decoding by table lookups: several times faster, but its timing depends on the
// input. Only for data that is not secret, such as the parts of a token an access check
// reads on every request.
std::optional<std::string> base64url_decode_public(std::string_view text);

// Lower-case hexadecimal of `bytes` (two characters per byte).
std::string hex_encode(std::string_view bytes);

}  // namespace gatehouse::crypto
