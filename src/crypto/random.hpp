#pragma once
// Cryptographically secure random values (libsodium's randombytes, i.e. the OS CSPRNG) and
// constant-time comparison. All functions are thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/encoding.hpp"  // base64url_encode / base64url_decode / hex_encode

namespace gatehouse::crypto {

// `n` random bytes. Throws std::runtime_error only if libsodium cannot initialise.
std::string random_bytes(std::size_t n);

// base64url (no padding) of `nbytes` random bytes: ceil(nbytes * 4 / 3) characters of
// [A-Za-z0-9_-]. Use for tokens, ids and keys that travel in URLs and headers.
std::string random_urlsafe(std::size_t nbytes);

// Lower-case hex of `nbytes` random bytes (2 * nbytes characters).
std::string random_hex(std::size_t nbytes);

// True when `a` and `b` are byte-for-byte equal. When the lengths are equal the time taken
// does not depend on the content; different lengths return false at once (the length of a
// secret is not secret here: tokens and hashes have fixed, public lengths).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace gatehouse::crypto
