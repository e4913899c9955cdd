#pragma once
// ReplayGuard: remembers one-time values (a TOTP code of a user, a one-time token's id) for
// as long as they could be replayed, so a second use is refused on every instance.
// Implementations: kv/memory (one process) and kv/redis (SET NX PX, shared). Safe for
// concurrent use.
#include <chrono>
#include <memory>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::kv {

class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;

  // Records `key` for `ttl` (>= 1 ms). True when this is its first use in that time, false
  // when it was already recorded. kUnavailable when the store cannot be reached: the caller
  // must then refuse the value or check it another way (e.g. the used_tokens table).
  virtual Result<bool> first_use(std::string_view key, std::chrono::milliseconds ttl) = 0;
};

using ReplayGuardPtr = std::unique_ptr<ReplayGuard>;

}  // namespace gatehouse::kv
