#pragma once
// API keys: generation, the stored hash, and the prefix check. Compatible with the Python
// template: keys are "pk_" + base64url(32 random bytes) and the database holds only
// hex(HMAC-SHA256(SECRET_KEY, key)), so imported keys keep working.
#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

inline constexpr std::string_view kApiKeyPrefix = "pk_";
inline constexpr std::size_t kApiKeyRandomBytes = 32;

// A fresh key: `prefix` + base64url (no padding) of 32 random bytes (43 characters).
std::string generate_api_key(std::string_view prefix = kApiKeyPrefix);

// The value stored for `raw_key`: 64 lower-case hex characters of
// HMAC-SHA256(key = `secret_key` as given (UTF-8 bytes), message = `raw_key`).
std::string api_key_hash(std::string_view secret_key, std::string_view raw_key);

// True when `raw` starts with `prefix`. The length check comes first; the bytes are then
// compared in constant time, so timing tells nothing about the prefix.
bool has_prefix_constant_time(std::string_view raw, std::string_view prefix);

}  // namespace gatehouse::crypto
