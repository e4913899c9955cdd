#pragma once
// Invalidation of the response cache (docs/http-api.md §10 "Response cache"; docs/scaling.md).
//
// CacheInvalidation names, once, which cached answers each kind of change makes stale, and
// drops them in one round trip. invalidating_database() wraps a Database so that every write
// to users, API keys or a second factor goes through it: the services, the CLI (which writes
// through the same Database) and any later admin panel invalidate without a call of their own
// to forget —
// including the changes the reference misses (verify, password change and reset, API-key
// updates and last_used_at, CLI edits). A store method added later is a compile error in the
// decorator until someone decides what it invalidates.
//
// Cached routes and their scopes (kv::cache_scope):
//   user(id)       GET /users/me of user id, GET /users/?user_id=id
//   users:list     GET /users/ pages
//   apikeys(owner) GET /users/keys, /users/keys/{key_id} of owner, /users/keys/by-user/owner
//
// Inside Database::in_transaction a write is invalidated once the transaction ends (after its
// commit, or its rollback, which is harmless): no other connection sees the row before, and
// no cache call (a Redis round trip) runs while the transaction holds its locks.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string_view>

#include "kv/response_cache.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

class CacheInvalidation {
 public:
  explicit CacheInvalidation(kv::ResponseCache& cache) : cache_(cache) {}

  // A user was created: only the lists show it.
  void user_added();
  // Any field of user `id` changed (profile, role, ban, verification, password, login time,
  // lockout).
  void user_changed(std::int64_t id);
  // User `id` is gone, and with it (by cascade) their API keys.
  void user_removed(std::int64_t id);
  // A key of `owner` was created, changed, used (last_used_at) or deleted.
  void api_keys_changed(std::int64_t owner);

  // Runs `transaction` (the wrapped Database::in_transaction): every scope this thread
  // invalidates meanwhile is invalidated when it returns or throws, not before. A call inside
  // another one on the same thread (a nested in_transaction) just runs it.
  Status around_transaction(const std::function<Status()>& transaction);

 private:
  // Invalidates `scopes` now, and records them for the end of a transaction this thread runs.
  void invalidate(std::initializer_list<std::string_view> scopes);
  // Invalidates what this thread recorded during its transaction, and forgets it.
  void replay_recorded();

  // Failures are not the caller's: the cache counts them, and kv::RetryingResponseCache
  // keeps the scopes until the store answers again.
  kv::ResponseCache& cache_;
};

// `inner` with every users/api_keys write followed by the matching CacheInvalidation call
// (only after the write succeeded). `cache` must outlive the result.
store::DatabasePtr invalidating_database(store::DatabasePtr inner, kv::ResponseCache& cache);

}  // namespace gatehouse::services
