#pragma once
// Internal to crypto/ (JwtCodec uses it): the tokens this thread verified lately, by their
// exact text, so a client that sends the same access token on every request pays the HMAC
// and the JSON parse once (as Envoy's JWT filter caches verified tokens). Only the checks that
// do not depend on time are remembered; `exp` is compared again on every hit. Per thread, so
// no lock; at most kMaxEntries tokens per thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/jwt.hpp"

namespace gatehouse::crypto::verified_tokens {

inline constexpr std::size_t kMaxEntries = 512;

// The claims of `token` if this thread verified it with codec `codec_id` as type `type`.
std::optional<Claims> find(std::uint64_t codec_id, std::string_view token, TokenType type);

// Records a token that passed every check.
void remember(std::uint64_t codec_id, std::string_view token, const Claims& claims);

}  // namespace gatehouse::crypto::verified_tokens
