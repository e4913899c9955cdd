#pragma once
// RevocationList: sessions whose tokens must stop working at once, checked on every
// authenticated request without a database round trip. Entries expire with the longest
// token they can affect. Implementations: kv/memory; Redis with the shared-state issue.
// Safe for concurrent use.
#include <chrono>
#include <memory>
#include <string>

#include "store/time.hpp"

namespace gatehouse::kv {

class RevocationList {
 public:
  virtual ~RevocationList() = default;

  // Marks session `sid` revoked until `until` (after which no token naming it is valid).
  virtual void revoke_session(const std::string& sid, store::Timestamp until) = 0;

  virtual bool is_session_revoked(const std::string& sid, store::Timestamp now) = 0;
};

using RevocationListPtr = std::unique_ptr<RevocationList>;

}  // namespace gatehouse::kv
