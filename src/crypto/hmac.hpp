#pragma once
// HMAC-SHA256 (OpenSSL), for API-key hashes and any other keyed digest.
#include <string>
#include <string_view>

namespace gatehouse::crypto {

// Raw 32-byte HMAC-SHA256 of `message` under `key` (RFC 2104; any key length, empty allowed).
std::string hmac_sha256(std::string_view key, std::string_view message);

// Raw 32-byte SHA-256 of `data`.
std::string sha256(std::string_view data);

}  // namespace gatehouse::crypto
