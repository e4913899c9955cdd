#pragma once
// Internal to crypto/ (PasswordHasher uses it): bcrypt through libxcrypt's crypt_r.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::crypto::bcrypt {

// bcrypt reads at most 72 bytes of a password; longer ones are refused, never truncated.
inline constexpr std::size_t kMaxPasswordBytes = 72;
inline constexpr int kMinCost = 4;
inline constexpr int kMaxCost = 31;

// The cost of a well-formed "$2a$"/"$2b$"/"$2y$" hash (60 characters), nullopt otherwise.
std::optional<int> cost_of(std::string_view encoded);

// A new "$2b$" hash with a random salt. Errors (kBadRequest): empty password, over 72 bytes,
// or containing a NUL byte (crypt_r takes C strings, so it would silently cut there).
// kInternal when libxcrypt fails.
Result<std::string> hash(std::string_view password, int cost);

// True when `password` matches the well-formed bcrypt `encoded`; false for any other input,
// including passwords that hash() would refuse.
bool verify(std::string_view password, std::string_view encoded);

}  // namespace gatehouse::crypto::bcrypt
