#pragma once
// In-process revocation list (one instance). Entries are dropped once expired. It cannot
// vouch for sessions revoked by another instance or before a restart, so a session not in
// it is Revocation::kUnknown: callers check the database session row.
#include <mutex>
#include <unordered_map>

#include "kv/revocation_list.hpp"

namespace gatehouse::kv {

class MemoryRevocationList final : public RevocationList {
 public:
  // RevocationList
  void revoke_session(const std::string& sid, store::Timestamp until) override;
  Revocation session_status(const std::string& sid, store::Timestamp now) override;

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, store::Timestamp> sessions_;
  std::size_t inserts_since_sweep_ = 0;
};

}  // namespace gatehouse::kv
