#pragma once
// Small rules about a user row that several services (and renderers) apply alike.
#include "store/time.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::services {

// A ban is in force unless it had an end (`banned_until`) that has passed (docs/http-api.md §5: a
// time-limited ban reads `banned: false` once it has expired).
inline bool banned_at(const store::User& u, store::Timestamp now) {
  return u.banned && (!u.banned_until || *u.banned_until > now);
}

}  // namespace gatehouse::services
