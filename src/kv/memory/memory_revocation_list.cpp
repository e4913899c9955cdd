#include "kv/memory/memory_revocation_list.hpp"

namespace gatehouse::kv {

void MemoryRevocationList::revoke_session(const std::string& sid, store::Timestamp until) {
  std::lock_guard lock(mutex_);
  auto& entry = sessions_[sid];
  if (entry < until) entry = until;
  // Amortised clean-up keeps memory bounded by the sessions revoked in one token lifetime.
  if (++inserts_since_sweep_ >= 1024) {
    inserts_since_sweep_ = 0;
    const auto now = store::now_utc();
    std::erase_if(sessions_, [now](const auto& kv) { return kv.second <= now; });
  }
}

Revocation MemoryRevocationList::session_status(const std::string& sid, store::Timestamp now) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(sid);
  return it != sessions_.end() && it->second > now ? Revocation::kRevoked : Revocation::kUnknown;
}

}  // namespace gatehouse::kv
