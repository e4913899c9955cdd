#include "services/api_key_service.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "crypto/api_key_codec.hpp"
#include "observability/log.hpp"
#include "observability/standard_metrics.hpp"
#include "services/scopes.hpp"
#include "services/user_rules.hpp"
#include "services/user_service.hpp"

namespace gatehouse::services {

namespace {

using obs::Category;

// Entries of the last-write map older than the interval are useless; past this many
// entries they are dropped, so the map stays bounded by the keys used in one interval.
constexpr std::size_t kLastWritePruneAt = 10000;

// Characters (code points) of UTF-8 text, as the reference's VARCHAR(50) counts them.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Error invalid_key(std::string_view status) {
  obs::count_api_key_validation(status);
  return Error::of(ErrorCode::kApiKeyInvalid, kInvalidApiKey);
}

}  // namespace

std::optional<std::string> expiry_problem(const std::optional<store::Timestamp>& expires_at,
                                          store::Timestamp now) {
  if (expires_at && *expires_at <= now) return std::string(kExpiryInThePast);
  return std::nullopt;
}

namespace {

// An event about `key`; its owner is the subject. Never the key or its hash.
AuditEntry key_event(std::string_view action, const store::ApiKey& key) {
  AuditEntry e;
  e.action = action;
  e.target_type = "api_key";
  e.target_id = key.id;
  e.subject_user_id = key.user_id;
  e.details["name"] = key.name;
  if (key.scopes) {
    boost::json::array scopes;
    for (const std::string& scope : *key.scopes) scopes.emplace_back(scope);
    e.details["scopes"] = std::move(scopes);
  }
  return e;
}

}  // namespace

ApiKeyService::ApiKeyService(const config::Settings& settings, store::Database& db, AuditLog& audit,
                             Clock clock)
    : settings_(settings),
      db_(db),
      audit_(audit),
      clock_(std::move(clock)),
      prune_at_(kLastWritePruneAt) {
  obs::register_api_key_metrics();
}

Result<CreatedKey> ApiKeyService::create(const store::User& owner, const NewKeyInput& in) {
  if (const auto n = characters(in.name); n < 1 || n > kApiKeyNameMax) {
    return Error::validation_message(kKeyNameLength);
  }
  if (in.scopes) {
    if (auto problem = scope_problem(*in.scopes, owner.role == store::kRoleAdmin)) {
      return Error::validation_message(*problem);
    }
  }
  if (auto problem = expiry_problem(in.expires_at, clock_())) {
    return Error::validation_message(*problem);
  }
  store::NewApiKey nk;
  nk.user_id = owner.id;
  nk.name = in.name;
  if (in.scopes) nk.scopes = without_duplicates(*in.scopes);
  nk.expires_at = in.expires_at;
  std::string raw = crypto::generate_api_key(settings_.auth.api_key_prefix);
  nk.key_hash = crypto::api_key_hash(settings_.secret_key, raw);
  store::ApiKey created;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.api_keys().create(nk);
    if (!row) return row.error();
    created = std::move(*row);
    return audit_.record(key_event(audit_action::kApiKeyCreated, created));
  });
  if (!stored) {
    Error e = stored.error();
    if (e.is(ErrorCode::kUserNotFound)) return Error::of(ErrorCode::kUserNotFound, kNoSuchUser);
    if (e.is(ErrorCode::kConflict)) return Error::internal("API key hash collision: " + e.cause);
    return e;
  }
  obs::info(Category::kAuth, "API key {} created for user ID {}", created.id, owner.id);
  return CreatedKey{std::move(created), std::move(raw)};
}

Result<std::vector<store::ApiKey>> ApiKeyService::list(std::int64_t user_id) {
  return db_.api_keys().list_for_user(user_id);
}

Result<store::ApiKey> ApiKeyService::owned(std::int64_t user_id, const std::string& key_id) {
  auto found = db_.api_keys().find_by_id(key_id);
  if (!found) return found.error();
  if (!*found || (*found)->user_id != user_id)
    return Error::of(ErrorCode::kApiKeyNotFound, kApiKeyNotFound);
  return std::move(**found);
}

Result<store::ApiKey> ApiKeyService::get(std::int64_t user_id, const std::string& key_id) {
  return owned(user_id, key_id);
}

Result<store::ApiKey> ApiKeyService::update(std::int64_t user_id, const std::string& key_id,
                                            const KeyUpdate& in) {
  auto key = owned(user_id, key_id);
  if (!key) return key;
  if (!in.name && !in.is_active) return Error::validation_message(kEmptyKeyUpdate);
  store::ApiKey updated;
  Status stored = audit_.atomically([&]() -> Status {
    auto row = db_.api_keys().update_name_active(key->id, in.name, in.is_active);
    if (!row) return row.error();
    if (!*row) return Error::of(ErrorCode::kApiKeyNotFound, kApiKeyNotFound);  // deleted meanwhile
    updated = std::move(**row);
    AuditEntry e = key_event(audit_action::kApiKeyUpdated, updated);
    if (in.is_active) e.details["is_active"] = *in.is_active;
    return audit_.record(e);
  });
  if (!stored) return stored.error();
  obs::info(Category::kAuth, "API key {} updated", key->id);
  return updated;
}

Status ApiKeyService::remove(std::int64_t user_id, const std::string& key_id) {
  auto key = owned(user_id, key_id);
  if (!key) return key.error();
  return revoke(key->id);
}

Status ApiKeyService::revoke(const std::string& key_id) {
  Status removed = audit_.atomically([&]() -> Status {
    auto key = db_.api_keys().find_by_id(key_id);
    if (!key) return key.error();
    auto gone = db_.api_keys().remove(key_id);
    if (!gone) return gone.error();
    if (!*gone || !*key) return Error::of(ErrorCode::kApiKeyNotFound, kApiKeyNotFound);
    return audit_.record(key_event(audit_action::kApiKeyDeleted, **key));
  });
  if (!removed) return removed;
  {
    std::lock_guard lock(last_write_mutex_);
    last_write_.erase(key_id);
  }
  obs::info(Category::kAuth, "API key {} deleted", key_id);
  return ok();
}

Result<Principal> ApiKeyService::authenticate(const std::string& raw_key) {
  // Constant-time prefix check (no timing hint); the key itself is only ever compared through
  // its HMAC, looked up by the unique index.
  if (!crypto::has_prefix_constant_time(raw_key, settings_.auth.api_key_prefix)) {
    return invalid_key("invalid_format");
  }
  auto found = find(raw_key);
  if (!found) return found.error();
  if (!found->row) return invalid_key("not_found");
  const store::ApiKey& key = found->row->key;
  store::User& user = found->row->owner;
  if (!key.is_active) {
    obs::count_api_key_validation("inactive");
    return Error::of(ErrorCode::kApiKeyInactive, kInactiveApiKey);
  }
  const auto now = clock_();
  if (key.expires_at && *key.expires_at <= now) {
    obs::count_api_key_validation("expired");
    return Error::of(ErrorCode::kApiKeyExpired, kExpiredApiKey);
  }
  if (banned_at(user, now)) return invalid_key("user_banned");
  if (!user.verified) return invalid_key("user_unverified");
  obs::count_api_key_validation("valid");
  if (found->stale_hash) rekey(key, *found->stale_hash, raw_key);
  record_use(key, now);
  Principal p;
  p.user = std::move(user);
  p.api_key_id = key.id;
  p.scopes = key.scopes;
  p.api_key_created_at = key.created_at;
  return p;
}

Result<ApiKeyService::Lookup> ApiKeyService::find(const std::string& raw_key) {
  // One read: the key and its user, through the unique index on the hash. A key whose
  // user is gone cannot be found (the join, and the cascade on delete).
  auto found =
      db_.api_keys().find_by_hash_with_owner(crypto::api_key_hash(settings_.secret_key, raw_key));
  if (!found) return found.error();
  if (*found) return Lookup{std::move(*found), std::nullopt};
  // During a SECRET_KEY rotation a key may still be stored under a previous secret
  // (docs/decisions.md): one more indexed read per previous secret, only for keys not found.
  for (const auto& previous : settings_.auth.previous_secret_keys) {
    std::string old_hash = crypto::api_key_hash(previous, raw_key);
    auto old = db_.api_keys().find_by_hash_with_owner(old_hash);
    if (!old) return old.error();
    if (*old) return Lookup{std::move(*old), std::move(old_hash)};
  }
  return Lookup{};
}

void ApiKeyService::rekey(const store::ApiKey& key, const std::string& old_hash,
                          const std::string& raw_key) {
  // Moves the key to the current secret, so it keeps working once the previous secret is
  // removed. A failure costs nothing now: the next use finds the old hash and tries again.
  auto moved = db_.api_keys().replace_hash(key.id, old_hash,
                                           crypto::api_key_hash(settings_.secret_key, raw_key));
  if (moved && *moved) {
    obs::info(Category::kApiKeys, "API key {} re-keyed to the current SECRET_KEY", key.id);
  } else if (!moved) {
    obs::warning(Category::kApiKeys, "API key {} could not be re-keyed: {}", key.id,
                 moved.error().cause);
  }
}

void ApiKeyService::record_use(const store::ApiKey& key, store::Timestamp now) {
  if (key.last_used_at && now - *key.last_used_at < kLastUsedInterval) return;
  {
    std::lock_guard lock(last_write_mutex_);
    auto it = last_write_.find(key.id);
    if (it != last_write_.end() && now - it->second < kLastUsedInterval) return;
    if (last_write_.size() >= prune_at_) {
      std::erase_if(last_write_,
                    [&](const auto& entry) { return now - entry.second >= kLastUsedInterval; });
      // Amortised: with many keys in use at once, scan again only after the map doubled.
      prune_at_ = std::max(kLastWritePruneAt, 2 * last_write_.size());
    }
    last_write_[key.id] = now;
  }
  // A failed write only loses a timestamp; the request goes on.
  if (auto touched = db_.api_keys().touch_last_used(key.id, now); !touched) {
    obs::warning(Category::kDatabase, "Could not record the use of API key {}: {}", key.id,
                 touched.error().cause);
  }
}

}  // namespace gatehouse::services
