#pragma once
// Time is injected so expiry, lockout and windows are testable without sleeping.
#include <chrono>
#include <cstdint>
#include <functional>

#include "store/time.hpp"

namespace gatehouse::services {

using Clock = std::function<store::Timestamp()>;

inline std::int64_t unix_seconds(store::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace gatehouse::services
