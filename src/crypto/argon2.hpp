#pragma once
// Internal to crypto/ (PasswordHasher uses it): Argon2id through libsodium's crypto_pwhash.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::crypto::argon2 {

inline constexpr std::string_view kPrefix = "$argon2id$";

struct Params {
  std::uint64_t iterations;  // opslimit
  std::size_t memory_bytes;  // memlimit
};

// True when `params` are within libsodium's Argon2id limits.
bool valid(const Params& params);

// A new "$argon2id$v=19$m=…,t=…,p=1$…" string with a random salt. Errors: kBadRequest for an
// empty password; kInternal when libsodium fails (out of memory).
Result<std::string> hash(std::string_view password, const Params& params);

// True when `encoded` starts with "$argon2id$" and `password` matches it.
bool verify(std::string_view password, std::string_view encoded);

// True when `encoded` is not an Argon2id string with exactly `params`.
bool needs_rehash(std::string_view encoded, const Params& params);

}  // namespace gatehouse::crypto::argon2
