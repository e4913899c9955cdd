#pragma once
// RevocationList: sessions whose tokens must stop working at once, checked on every
// authenticated request without a database round trip. Entries expire with the longest
// token they can affect. Implementations: kv/memory (one process) and kv/redis (shared by
// every instance). Safe for concurrent use.
#include <chrono>
#include <memory>
#include <string>

#include "store/time.hpp"

namespace gatehouse::kv {

// What the list can say about a session.
enum class Revocation {
  kRevoked,     // revoked: refuse the token
  kNotRevoked,  // the list is complete for every token still valid: no revocation exists
  kUnknown,     // not in the list, but the list cannot vouch for it (store down, entries
                // possibly lost within one token lifetime, or a list private to this
                // process): decide from the database session row
};

class RevocationList {
 public:
  virtual ~RevocationList() = default;

  // Marks session `sid` revoked until `until` (after which no token naming it is valid).
  // Never fails: when the shared store cannot be reached the entry is kept in this process
  // (so this instance refuses the token) and written once the store is back. The database
  // session row, written first by the caller, stays the source of truth.
  virtual void revoke_session(const std::string& sid, store::Timestamp until) = 0;

  // Whether `sid` is revoked at `now`; see Revocation. Never blocks longer than the
  // store's command timeout.
  virtual Revocation session_status(const std::string& sid, store::Timestamp now) = 0;

  // True only when the list knows `sid` is revoked (kUnknown reads as "not known"), for
  // callers that check the database session row anyway.
  bool is_session_revoked(const std::string& sid, store::Timestamp now) {
    return session_status(sid, now) == Revocation::kRevoked;
  }
};

using RevocationListPtr = std::unique_ptr<RevocationList>;

}  // namespace gatehouse::kv
