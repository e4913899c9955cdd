#pragma once
// ImportRepository: writing rows copied from another system (`gatehouse import
// fastapi-template`, docs/import-from-fastapi-template.md) into `users` and `api_keys` with
// their ids kept, in batches. Which rows to write is decided by the caller
// (services/template_import.hpp) from what the lookups return.
// Implementations: store/sqlite, store/postgres. Safe for concurrent use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

// A user as the source stored it: its id, email and password hash are kept as they are.
struct ImportedUser {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;  // bcrypt "$2b$..." from the template, verified and re-hashed at login
  std::string first_name;
  std::string last_name;
  std::string role = "user";
  bool banned = false;
  bool verified = false;
};

// An API key as the source stored it (only its HMAC, never the key).
struct ImportedApiKey {
  std::string id;  // canonical lower-case UUID
  std::int64_t user_id = 0;
  std::string key_hash;
  std::string name;
  Timestamp created_at{};
  bool is_active = true;
  std::optional<std::vector<std::string>> scopes;
  std::optional<Timestamp> last_used_at;
};

// What the store already holds under an id or an email being imported, and the role it has
// here (an imported key's scopes are judged by it, not by the source's role).
struct StoredUserIdentity {
  std::int64_t id = 0;
  std::string email;
  std::string role = "user";
};

// What the store already holds under a key id or key hash being imported.
struct StoredKeyIdentity {
  std::string id;
  std::int64_t user_id = 0;
  std::string key_hash;
};

// Errors common to every method: kUnavailable when the database cannot be reached,
// kInternal for anything unexpected. Meant to run inside Database::in_transaction, one batch
// per transaction.
class ImportRepository {
 public:
  virtual ~ImportRepository() = default;

  // Stored users whose id is one of `ids` or whose email is one of `emails` (exact match),
  // in no particular order.
  virtual Result<std::vector<StoredUserIdentity>> users_matching(
      const std::vector<std::int64_t>& ids, const std::vector<std::string>& emails) = 0;

  // Stored keys whose id is one of `ids` or whose hash is one of `key_hashes`.
  virtual Result<std::vector<StoredKeyIdentity>> api_keys_matching(
      const std::vector<std::string>& ids, const std::vector<std::string>& key_hashes) = 0;

  // Inserts `users` with their ids, in one statement. created_at, updated_at and
  // tokens_valid_after are `at`; every other column takes its default (no lockout, no MFA, a
  // ban without end or reason). kInvalidInput when a row breaks a column rule
  // (store/record_rules.hpp), kConflict when an id or email is taken: nothing is written then.
  virtual Status insert_users(const std::vector<ImportedUser>& users, Timestamp at) = 0;

  // Inserts `keys` with their ids, created_at and last_used_at, in one statement; expires_at
  // is NULL (the template's keys never expire). Errors as insert_users; kUserNotFound when a
  // user_id does not exist.
  virtual Status insert_api_keys(const std::vector<ImportedApiKey>& keys) = 0;

  // Makes the next id the store assigns to a new user larger than every stored id, without
  // ever moving it back. Called in each batch's transaction right after insert_users, so a
  // registration during the import, or after one that failed midway, never draws an imported id.
  virtual Status advance_user_ids() = 0;

  // Called first in each batch's transaction: serialises concurrent imports, so the rows one
  // batch judged new are not inserted by another import before this one commits (which would
  // end its run with a duplicate key). Held until the transaction ends. PostgreSQL: a
  // transaction-level advisory lock (READ COMMITTED alone lets two imports check the same rows
  // at once). SQLite: nothing to do, the batch's BEGIN IMMEDIATE already holds the write lock.
  virtual Status lock_for_batch() = 0;
};

using ImportRepositoryPtr = std::unique_ptr<ImportRepository>;

}  // namespace gatehouse::store
