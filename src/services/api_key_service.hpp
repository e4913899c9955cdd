#pragma once
// ApiKeyService: the API-key rules (docs/http-api.md §2 "API keys" and "Scopes", §7 "API key
// routes"): creation with validated scopes and expiry, the owner-only reads and
// updates, the admin by-user variants, and the check of an X-API-Key on every request.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "services/audit_log.hpp"
#include "services/clock.hpp"
#include "services/principal.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

inline constexpr const char* kApiKeyNotFound = "API key not found";
inline constexpr const char* kInvalidApiKey = "Invalid API key";
inline constexpr const char* kInactiveApiKey = "API key is inactive";
inline constexpr const char* kExpiredApiKey = "API key has expired";
inline constexpr const char* kEmptyKeyUpdate = "At least one field must be provided for update";
inline constexpr const char* kExpiryInThePast = "expires_at must be in the future";
inline constexpr const char* kKeyNameLength = "The name must be 1 to 50 characters";
inline constexpr std::size_t kApiKeyNameMax = 50;

// last_used_at is written at most this often per key (docs/http-api.md §2 "API keys").
inline constexpr std::chrono::seconds kLastUsedInterval{60};

struct NewKeyInput {
  std::string name;                                // 1..kApiKeyNameMax characters
  std::optional<std::vector<std::string>> scopes;  // null: the user's full rights
  std::optional<store::Timestamp> expires_at;      // null: never
};

struct KeyUpdate {
  std::optional<std::string> name;
  std::optional<bool> is_active;
};

struct CreatedKey {
  store::ApiKey key;
  std::string raw;  // the key itself: shown to its owner once, never stored
};

// Why `expires_at` cannot be given to a new key at `now` (kExpiryInThePast), or nullopt.
std::optional<std::string> expiry_problem(const std::optional<store::Timestamp>& expires_at,
                                          store::Timestamp now);

class ApiKeyService {
 public:
  // `settings`: SECRET_KEY (the HMAC key) and API_KEY_PREFIX. `clock` decides expiry and
  // the last_used_at throttle.
  ApiKeyService(const config::Settings& settings, store::Database& db, AuditLog& audit,
                Clock clock);

  // A new key for `owner`. 422 kKeyNameLength for a name outside 1..50 characters.
  // Repeated scope names are stored once. The HTTP layer reports
  // scope_problem() and expiry_problem() as 422 field errors first; for other callers (the
  // CLI) they are a 422 with that message here. 404 "This User does not exist" when the
  // owner is gone.
  Result<CreatedKey> create(const store::User& owner, const NewKeyInput& in);

  // The user's keys, oldest first (empty for an unknown user, as the reference).
  Result<std::vector<store::ApiKey>> list(std::int64_t user_id);

  // Key `key_id` of `user_id`: 404 kApiKeyNotFound when it does not exist, is someone
  // else's or `key_id` is not a UUID.
  Result<store::ApiKey> get(std::int64_t user_id, const std::string& key_id);

  // The reference's order: 404 kApiKeyNotFound first, then 422 kEmptyKeyUpdate (string
  // detail) when neither field is given.
  Result<store::ApiKey> update(std::int64_t user_id, const std::string& key_id,
                               const KeyUpdate& in);

  // 404 kApiKeyNotFound as get().
  Status remove(std::int64_t user_id, const std::string& key_id);

  // Deletes a key whoever owns it (CLI `apikey revoke`): 404 kApiKeyNotFound when absent.
  Status revoke(const std::string& key_id);

  // The caller behind an X-API-Key value (docs/http-api.md §2): 401 kInvalidApiKey for a wrong
  // prefix, an unknown key, or a key whose user is gone, banned or unverified;
  // kInactiveApiKey; kExpiredApiKey. Counts api_key_validations_total and records the use
  // (last_used_at at most once per kLastUsedInterval per key). A key stored under one of
  // PREVIOUS_SECRET_KEYS is accepted and re-keyed to SECRET_KEY on its first valid use.
  Result<Principal> authenticate(const std::string& raw_key);

  store::Timestamp now() const { return clock_(); }

 private:
  // The row behind `raw_key`: under SECRET_KEY, else under a previous secret (a rotation),
  // whose hash is then `stale_hash`.
  struct Lookup {
    std::optional<store::ApiKeyWithOwner> row;
    std::optional<std::string> stale_hash;
  };
  Result<Lookup> find(const std::string& raw_key);
  // Stores `key` under the current SECRET_KEY in place of `old_hash`.
  void rekey(const store::ApiKey& key, const std::string& old_hash, const std::string& raw_key);
  Result<store::ApiKey> owned(std::int64_t user_id, const std::string& key_id);
  // Writes last_used_at unless this process wrote it, or the row shows a write, less than
  // kLastUsedInterval ago.
  void record_use(const store::ApiKey& key, store::Timestamp now);

  const config::Settings& settings_;
  store::Database& db_;
  AuditLog& audit_;
  Clock clock_;
  std::mutex last_write_mutex_;
  std::unordered_map<std::string, store::Timestamp> last_write_;  // key id -> our last write
  std::size_t prune_at_;  // map size at which stale entries are dropped
};

}  // namespace gatehouse::services
