#include "services/cache_invalidation.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace gatehouse::services {

namespace scope = kv::cache_scope;

namespace {

// The scopes invalidated during a transaction that this thread is running through `owner`.
struct Recorded {
  const CacheInvalidation* owner;
  std::vector<std::string> scopes;  // each once
};
thread_local std::vector<Recorded> t_recorded;

Recorded* recorded_for(const CacheInvalidation* owner) {
  for (Recorded& r : t_recorded) {
    if (r.owner == owner) return &r;
  }
  return nullptr;
}

}  // namespace

void CacheInvalidation::user_added() { invalidate({scope::kUsersList}); }

void CacheInvalidation::user_changed(std::int64_t id) {
  invalidate({scope::user(id), scope::kUsersList});
}

void CacheInvalidation::user_removed(std::int64_t id) {
  invalidate({scope::user(id), scope::kUsersList, scope::api_keys(id)});
}

void CacheInvalidation::api_keys_changed(std::int64_t owner) {
  invalidate({scope::api_keys(owner)});
}

void CacheInvalidation::invalidate(std::initializer_list<std::string_view> scopes) {
  Recorded* recorded = recorded_for(this);
  if (recorded == nullptr) {
    (void)cache_.invalidate(scopes);
    return;
  }
  // Inside a transaction only after it ends: no other connection sees the change before the
  // commit, and a cache call (a Redis round trip, its timeouts when Redis is down) must not
  // run while the transaction holds SQLite's write lock or PostgreSQL's row locks.
  for (const std::string_view s : scopes) {
    if (std::find(recorded->scopes.begin(), recorded->scopes.end(), s) == recorded->scopes.end()) {
      recorded->scopes.emplace_back(s);
    }
  }
}

Status CacheInvalidation::around_transaction(const std::function<Status()>& transaction) {
  if (recorded_for(this) != nullptr) return transaction();  // joins the outer one
  t_recorded.push_back(Recorded{this, {}});
  // Replays when the transaction returns, and when it throws.
  class Replay {
   public:
    explicit Replay(CacheInvalidation& self) : self_(self) {}
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;
    ~Replay() { self_.replay_recorded(); }

   private:
    CacheInvalidation& self_;
  } const replay(*this);
  return transaction();
}

void CacheInvalidation::replay_recorded() {
  const auto it = std::find_if(t_recorded.begin(), t_recorded.end(),
                               [this](const Recorded& r) { return r.owner == this; });
  if (it == t_recorded.end()) return;
  const std::vector<std::string> scopes = std::move(it->scopes);
  t_recorded.erase(it);
  // Three scopes a round trip: one write's worth (user_removed), usually the whole list.
  for (std::size_t i = 0; i < scopes.size(); i += 3) {
    const std::size_t left = scopes.size() - i;
    if (left >= 3) {
      (void)cache_.invalidate({scopes[i], scopes[i + 1], scopes[i + 2]});
    } else if (left == 2) {
      (void)cache_.invalidate({scopes[i], scopes[i + 1]});
    } else {
      (void)cache_.invalidate({scopes[i]});
    }
  }
}

namespace {

using store::ApiKey;
using store::Timestamp;
using store::User;

class InvalidatingUsers final : public store::UserRepository {
 public:
  InvalidatingUsers(store::UserRepository& inner, CacheInvalidation& cache)
      : inner_(inner), cache_(cache) {}

  // UserRepository: reads pass through.
  Result<std::optional<User>> find_by_id(std::int64_t id) override { return inner_.find_by_id(id); }
  Result<std::optional<User>> find_by_email(const std::string& email) override {
    return inner_.find_by_email(email);
  }
  Result<std::optional<store::UserWithSession>> find_with_session(
      std::int64_t id, const std::string& session_id) override {
    return inner_.find_with_session(id, session_id);
  }
  Result<std::vector<User>> list(std::int64_t offset, std::int64_t limit) override {
    return inner_.list(offset, limit);
  }
  Result<std::vector<User>> list_after(std::int64_t after_id, std::int64_t limit) override {
    return inner_.list_after(after_id, limit);
  }
  Result<std::int64_t> count() override { return inner_.count(); }
  Result<std::int64_t> count_admins() override { return inner_.count_admins(); }
  Result<std::vector<std::string>> password_hash_kinds() override {
    return inner_.password_hash_kinds();
  }
  Result<std::vector<User>> search(const store::UserSearch& q, std::int64_t offset,
                                   std::int64_t limit) override {
    return inner_.search(q, offset, limit);
  }
  Result<std::int64_t> count_search(const store::UserSearch& q) override {
    return inner_.count_search(q);
  }

  // UserRepository: writes.
  Result<User> create(const store::NewUser& user) override {
    auto r = inner_.create(user);
    if (r) cache_.user_added();
    return r;
  }
  Result<std::optional<User>> update_profile(std::int64_t id,
                                             const store::ProfileUpdate& profile) override {
    auto r = inner_.update_profile(id, profile);
    if (r && *r) cache_.user_changed(id);
    return r;
  }
  Result<std::optional<User>> set_password(std::int64_t id,
                                           const store::PasswordUpdate& update) override {
    auto r = inner_.set_password(id, update);
    if (r && *r) cache_.user_changed(id);
    return r;
  }
  Result<std::optional<User>> set_ban(std::int64_t id, const store::BanUpdate& ban) override {
    auto r = inner_.set_ban(id, ban);
    if (r && *r) cache_.user_changed(id);
    return r;
  }
  Result<std::optional<User>> set_verified(std::int64_t id,
                                           const std::optional<std::string>& email) override {
    auto r = inner_.set_verified(id, email);
    if (r && *r) cache_.user_changed(id);
    return r;
  }
  Result<bool> cut_tokens(std::int64_t id, Timestamp at) override {
    auto r = inner_.cut_tokens(id, at);
    if (r && *r) cache_.user_changed(id);  // updated_at
    return r;
  }
  Result<bool> clear_lockout(std::int64_t id) override {
    auto r = inner_.clear_lockout(id);
    if (r && *r) cache_.user_changed(id);
    return r;
  }
  Result<bool> remove(std::int64_t id) override {
    auto r = inner_.remove(id);
    if (r && *r) cache_.user_removed(id);
    return r;
  }
  Result<std::optional<User>> record_failed_login(std::int64_t id, int threshold,
                                                  Timestamp lock_until) override {
    auto r = inner_.record_failed_login(id, threshold, lock_until);
    // Only a lockout shows (locked_until); the failure count is not in any answer. The count
    // restarts at 0 exactly when the lock is set.
    if (r && *r && threshold > 0 && (*r)->failed_logins == 0) cache_.user_changed(id);
    return r;
  }
  Status record_successful_login(std::int64_t id, Timestamp at) override {
    auto r = inner_.record_successful_login(id, at);
    if (r) cache_.user_changed(id);  // last_login_at, and a lockout that ends
    return r;
  }
  Result<bool> remove_unless_last_admin(std::int64_t id) override {
    auto r = inner_.remove_unless_last_admin(id);
    if (r && *r) cache_.user_removed(id);
    return r;
  }
  Result<std::optional<User>> set_role_unless_last_admin(std::int64_t id,
                                                         const std::string& role) override {
    auto r = inner_.set_role_unless_last_admin(id, role);
    if (r && *r) cache_.user_changed(id);
    return r;
  }

 private:
  store::UserRepository& inner_;
  CacheInvalidation& cache_;
};

class InvalidatingApiKeys final : public store::ApiKeyRepository {
 public:
  InvalidatingApiKeys(store::ApiKeyRepository& inner, CacheInvalidation& cache)
      : inner_(inner), cache_(cache) {}

  // ApiKeyRepository: reads pass through.
  Result<std::optional<ApiKey>> find_by_hash(const std::string& key_hash) override {
    return inner_.find_by_hash(key_hash);
  }
  Result<std::optional<ApiKey>> find_by_id(const std::string& id) override {
    return inner_.find_by_id(id);
  }
  Result<std::optional<store::ApiKeyWithOwner>> find_by_hash_with_owner(
      const std::string& key_hash) override {
    return inner_.find_by_hash_with_owner(key_hash);
  }
  Result<std::vector<ApiKey>> list_for_user(std::int64_t user_id) override {
    return inner_.list_for_user(user_id);
  }

  // ApiKeyRepository: writes.
  Result<ApiKey> create(const store::NewApiKey& key) override {
    auto r = inner_.create(key);
    if (r) cache_.api_keys_changed(key.user_id);
    return r;
  }
  Result<std::optional<ApiKey>> update_name_active(const std::string& id,
                                                   const std::optional<std::string>& name,
                                                   std::optional<bool> is_active) override {
    auto r = inner_.update_name_active(id, name, is_active);
    if (r && *r) cache_.api_keys_changed((*r)->user_id);
    return r;
  }
  // The owner is not in the call: read first (deletes and last_used_at writes are rare —
  // the latter at most once a minute per key).
  Result<bool> remove(const std::string& id) override {
    const auto owner = owner_of(id);
    auto r = inner_.remove(id);
    if (r && *r && owner) cache_.api_keys_changed(*owner);
    return r;
  }
  Result<bool> touch_last_used(const std::string& id, Timestamp when) override {
    auto r = inner_.touch_last_used(id, when);
    if (r && *r) {
      if (const auto owner = owner_of(id)) cache_.api_keys_changed(*owner);
    }
    return r;
  }
  // The hash is never part of an answer: nothing cached changes.
  Result<bool> replace_hash(const std::string& id, const std::string& old_hash,
                            const std::string& new_hash) override {
    return inner_.replace_hash(id, old_hash, new_hash);
  }

 private:
  std::optional<std::int64_t> owner_of(const std::string& id) {
    auto key = inner_.find_by_id(id);
    if (!key || !*key) return std::nullopt;
    return (*key)->user_id;
  }

  store::ApiKeyRepository& inner_;
  CacheInvalidation& cache_;
};

class InvalidatingMfa final : public store::MfaRepository {
 public:
  InvalidatingMfa(store::MfaRepository& inner, CacheInvalidation& cache)
      : inner_(inner), cache_(cache) {}

  // MfaRepository: writes to the user row (mfa_enabled and updated_at are in user answers).
  Result<bool> set_pending_secret(std::int64_t user_id, const std::string& sealed_secret) override {
    auto r = inner_.set_pending_secret(user_id, sealed_secret);
    if (r && *r) cache_.user_changed(user_id);  // updated_at
    return r;
  }
  Result<std::optional<User>> enable(
      std::int64_t user_id, const std::string& expected_sealed_secret,
      const std::vector<std::string>& recovery_code_hashes) override {
    auto r = inner_.enable(user_id, expected_sealed_secret, recovery_code_hashes);
    if (r && *r) cache_.user_changed(user_id);
    return r;
  }
  Result<std::optional<store::MfaDisabled>> disable(std::int64_t user_id) override {
    auto r = inner_.disable(user_id);
    if (r && *r) cache_.user_changed(user_id);
    return r;
  }

  // MfaRepository: recovery codes and mfa_token state are in no cached answer.
  Result<std::vector<store::RecoveryCode>> unused_recovery_codes(std::int64_t user_id) override {
    return inner_.unused_recovery_codes(user_id);
  }
  Result<std::optional<int>> use_recovery_code(std::int64_t user_id, std::int64_t code_id,
                                               Timestamp at) override {
    return inner_.use_recovery_code(user_id, code_id, at);
  }
  Result<std::optional<int>> record_challenge_failure(const std::string& jti, std::int64_t user_id,
                                                      Timestamp expires_at,
                                                      int max_failures) override {
    return inner_.record_challenge_failure(jti, user_id, expires_at, max_failures);
  }
  Result<bool> challenge_spent(const std::string& jti) override {
    return inner_.challenge_spent(jti);
  }
  Result<std::optional<int>> count_second_factor_failure(std::int64_t user_id) override {
    return inner_.count_second_factor_failure(user_id);  // in no answer
  }
  Result<std::optional<User>> extend_lock(std::int64_t user_id, Timestamp until) override {
    auto r = inner_.extend_lock(user_id, until);
    if (r && *r) cache_.user_changed(user_id);  // locked_until
    return r;
  }
  Result<std::int64_t> purge_expired_challenges(Timestamp now) override {
    return inner_.purge_expired_challenges(now);
  }

 private:
  store::MfaRepository& inner_;
  CacheInvalidation& cache_;
};

// A sign-in recorded with the session (NewSession::record_sign_in_at) changes last_login_at
// and may end a lockout, as record_successful_login does.
class InvalidatingSessions final : public store::SessionRepository {
 public:
  InvalidatingSessions(store::SessionRepository& inner, CacheInvalidation& cache)
      : inner_(inner), cache_(cache) {}

  Result<store::Session> create(const store::NewSession& s) override {
    auto r = inner_.create(s);
    if (r && s.record_sign_in_at) cache_.user_changed(s.user_id);
    return r;
  }
  Result<std::optional<store::Session>> find(const std::string& id) override {
    return inner_.find(id);
  }
  Result<std::vector<store::Session>> list_active(std::int64_t user_id, Timestamp now) override {
    return inner_.list_active(user_id, now);
  }
  Result<bool> rotate(const std::string& id, const std::string& expected_jti,
                      const std::string& new_jti, Timestamp now) override {
    return inner_.rotate(id, expected_jti, new_jti, now);
  }
  Status touch(const std::string& id, Timestamp now) override { return inner_.touch(id, now); }
  Result<bool> revoke(const std::string& id, const std::string& reason, Timestamp now) override {
    return inner_.revoke(id, reason, now);
  }
  Result<std::vector<std::string>> revoke_all(std::int64_t user_id, const std::string& keep_id,
                                              const std::string& reason, Timestamp now) override {
    return inner_.revoke_all(user_id, keep_id, reason, now);
  }

 private:
  store::SessionRepository& inner_;
  CacheInvalidation& cache_;
};

// An import adds users and keys: the users list and the key lists of their owners change.
// Run by the CLI, it reaches a running server's cache through Redis or, on SQLite, through
// the shared generation (kv/memory/shared_generation.hpp).
class InvalidatingImports final : public store::ImportRepository {
 public:
  InvalidatingImports(store::ImportRepository& inner, CacheInvalidation& cache)
      : inner_(inner), cache_(cache) {}

  Result<std::vector<store::StoredUserIdentity>> users_matching(
      const std::vector<std::int64_t>& ids, const std::vector<std::string>& emails) override {
    return inner_.users_matching(ids, emails);
  }
  Result<std::vector<store::StoredKeyIdentity>> api_keys_matching(
      const std::vector<std::string>& ids, const std::vector<std::string>& key_hashes) override {
    return inner_.api_keys_matching(ids, key_hashes);
  }
  Status insert_users(const std::vector<store::ImportedUser>& users, Timestamp at) override {
    Status s = inner_.insert_users(users, at);
    if (s && !users.empty()) cache_.user_added();
    return s;
  }
  Status insert_api_keys(const std::vector<store::ImportedApiKey>& keys) override {
    Status s = inner_.insert_api_keys(keys);
    if (s) {
      std::set<std::int64_t> owners;
      for (const auto& k : keys) owners.insert(k.user_id);
      for (const std::int64_t owner : owners) cache_.api_keys_changed(owner);
    }
    return s;
  }
  Status advance_user_ids() override { return inner_.advance_user_ids(); }
  Status lock_for_batch() override { return inner_.lock_for_batch(); }

 private:
  store::ImportRepository& inner_;
  CacheInvalidation& cache_;
};

class InvalidatingDatabase final : public store::Database {
 public:
  InvalidatingDatabase(store::DatabasePtr inner, kv::ResponseCache& cache)
      : inner_(std::move(inner)),
        invalidation_(cache),
        users_(inner_->users(), invalidation_),
        api_keys_(inner_->api_keys(), invalidation_),
        sessions_(inner_->sessions(), invalidation_),
        mfa_(inner_->mfa(), invalidation_),
        imports_(inner_->imports(), invalidation_) {}

  // Database
  std::string_view backend_name() const override { return inner_->backend_name(); }
  Status ping() override { return inner_->ping(); }
  Status migrate() override { return inner_->migrate(); }
  Result<int> schema_version() override { return inner_->schema_version(); }
  Status drop_all() override { return inner_->drop_all(); }
  store::UserRepository& users() override { return users_; }
  store::ApiKeyRepository& api_keys() override { return api_keys_; }
  store::SessionRepository& sessions() override { return sessions_; }
  store::UsedTokenRepository& used_tokens() override { return inner_->used_tokens(); }
  store::OutboxRepository& outbox() override { return inner_->outbox(); }
  store::MfaRepository& mfa() override { return mfa_; }
  store::AuditRepository& audit() override { return inner_->audit(); }
  store::ImportRepository& imports() override { return imports_; }
  Status in_transaction(const std::function<Status()>& fn) override {
    return invalidation_.around_transaction([&] { return inner_->in_transaction(fn); });
  }
  store::ConnectionPool<store::sqlite::Connection>* sqlite_pool() override {
    return inner_->sqlite_pool();
  }
  store::postgres::PgClient* postgres_client() override { return inner_->postgres_client(); }

 private:
  store::DatabasePtr inner_;
  CacheInvalidation invalidation_;
  InvalidatingUsers users_;
  InvalidatingApiKeys api_keys_;
  InvalidatingSessions sessions_;
  InvalidatingMfa mfa_;
  InvalidatingImports imports_;
};

}  // namespace

store::DatabasePtr invalidating_database(store::DatabasePtr inner, kv::ResponseCache& cache) {
  return std::make_unique<InvalidatingDatabase>(std::move(inner), cache);
}

}  // namespace gatehouse::services
