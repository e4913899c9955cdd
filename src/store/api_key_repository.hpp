#pragma once
// ApiKeyRepository: the `api_keys` table (reference data model). Only the HMAC of a key is
// stored; the plain key is shown to its owner once and never reaches this layer.
// Implementations: store/sqlite, store/postgres. Safe for concurrent use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store {

struct ApiKey {
  std::string id;  // canonical lower-case UUID
  std::int64_t user_id = 0;
  std::string key_hash;  // column `key`: 64 hex chars, HMAC-SHA256 of the key
  std::string name;
  Timestamp created_at{};
  bool is_active = true;
  std::optional<std::vector<std::string>> scopes;  // NULL and [] are different values
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> expires_at;  // NULL: never expires (migration 0003)
};

// A key with the user it belongs to, read together (the per-request lookup).
struct ApiKeyWithOwner {
  ApiKey key;
  User owner;
};

struct NewApiKey {
  std::int64_t user_id = 0;
  std::string key_hash;
  std::string name;
  bool is_active = true;
  std::optional<std::vector<std::string>> scopes;
  std::optional<Timestamp> expires_at;
};

// Errors common to every method: kUnavailable when the database cannot be reached (or the
// pool stays exhausted past its timeout), kInternal for anything unexpected. A string
// longer than the reference's VARCHAR limit (key 255, name 50) fails with kBadRequest.
// Ids that are not UUIDs are never found (nullopt / false), on both backends.
class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;

  // Inserts a key; id (a new UUID v4) and created_at (= now) are assigned by the store.
  // kConflict when key_hash is already stored; kNotFound "User not found" when user_id does
  // not exist.
  virtual Result<ApiKey> create(const NewApiKey& key) = 0;

  // nullopt when no key has this hash / id. find_by_hash reads through the unique index
  // ix_api_keys_key (one row, no scan): it runs on every request made with a key.
  virtual Result<std::optional<ApiKey>> find_by_hash(const std::string& key_hash) = 0;
  virtual Result<std::optional<ApiKey>> find_by_id(const std::string& id) = 0;

  // find_by_hash and the key's user in one statement (through the same index, then the
  // users primary key): what an X-API-Key request needs. nullopt when no key has this hash.
  virtual Result<std::optional<ApiKeyWithOwner>> find_by_hash_with_owner(
      const std::string& key_hash) = 0;

  // The user's keys ordered by created_at, then id (empty when the user has none).
  virtual Result<std::vector<ApiKey>> list_for_user(std::int64_t user_id) = 0;

  // Sets whichever of name and is_active is given (one statement, so two concurrent
  // updates of different fields both stick); returns the stored row, nullopt when the id
  // does not exist.
  virtual Result<std::optional<ApiKey>> update_name_active(const std::string& id,
                                                           const std::optional<std::string>& name,
                                                           std::optional<bool> is_active) = 0;

  // false when the id did not exist.
  virtual Result<bool> remove(const std::string& id) = 0;

  // Records a use of the key (callers throttle it: docs/http-api.md §2). false when the id did not
  // exist.
  virtual Result<bool> touch_last_used(const std::string& id, Timestamp when) = 0;

  // Re-keys a key after a SECRET_KEY rotation: sets key_hash to `new_hash` when it is still
  // `old_hash` (a concurrent re-key of the same key is harmless). false when no row matched.
  virtual Result<bool> replace_hash(const std::string& id, const std::string& old_hash,
                                    const std::string& new_hash) = 0;
};

using ApiKeyRepositoryPtr = std::unique_ptr<ApiKeyRepository>;

}  // namespace gatehouse::store
