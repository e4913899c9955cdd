#include "crypto/verified_tokens.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gatehouse::crypto::verified_tokens {

namespace {

struct Entry {
  std::uint64_t codec_id = 0;
  Claims claims;
};

// Looked up by string_view, so a hit allocates no key.
struct TokenHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Keyed by the whole token: a different byte anywhere is a different (unverified) token.
using Cache = std::unordered_map<std::string, Entry, TokenHash, std::equal_to<>>;

Cache& cache() {
  thread_local Cache c;
  return c;
}

}  // namespace

std::optional<Claims> find(std::uint64_t codec_id, std::string_view token, TokenType type) {
  Cache& c = cache();
  const auto it = c.find(token);
  if (it == c.end() || it->second.codec_id != codec_id || it->second.claims.typ != type) {
    return std::nullopt;
  }
  return it->second.claims;
}

void remember(std::uint64_t codec_id, std::string_view token, const Claims& claims) {
  Cache& c = cache();
  // Bounded without bookkeeping: when full, start over (the active tokens come back at once).
  if (c.size() >= kMaxEntries) c.clear();
  c.insert_or_assign(std::string(token), Entry{codec_id, claims});
}

}  // namespace gatehouse::crypto::verified_tokens
