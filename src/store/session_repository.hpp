#pragma once
// SessionRepository: one row per sign-in (login), carrying the refresh-token chain.
// Access and refresh tokens name their session in the `sid` claim; revoking the session
// kills both at once. Refresh rotation is a compare-and-set on the current refresh jti, so
// presenting an already spent refresh token is detected (reuse) and the session revoked.
// Implementations: store/sqlite, store/postgres. Safe for concurrent use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/audit_repository.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

struct Session {
  std::string id;  // UUID
  std::int64_t user_id = 0;
  std::string refresh_jti;  // jti of the one refresh token that may still be used
  Timestamp created_at{};
  Timestamp last_used_at{};
  Timestamp expires_at{};  // end of the refresh chain
  std::string ip;
  std::string user_agent;
  std::optional<Timestamp> revoked_at;
  std::string revoked_reason;  // "logout", "logout_all", "reuse", "password_reset", ...
};

struct NewSession {
  std::int64_t user_id = 0;
  std::string refresh_jti;
  Timestamp expires_at{};
  std::string ip;
  std::string user_agent;
  // When set, the session is created only while users.mfa_enabled still has this value, in
  // the insert itself: a sign-in decided on the user's TOTP state cannot open a session after
  // that state changed (and the change revoked the sessions it found).
  std::optional<bool> require_mfa_enabled;
  // When set, the same transaction records a completed sign-in at this time on the user, as
  // UserRepository::record_successful_login does (failed_logins and mfa_failures back to 0,
  // last_login_at): a sign-in is one commit, not two.
  std::optional<Timestamp> record_sign_in_at;
  // With record_sign_in_at: the sign-in's audit event, stored in the same statement
  // (PostgreSQL) or transaction (SQLite) as the session, so a sign-in costs one round trip
  // and there is never a session without its event nor an event without its session.
  std::optional<AuditEvent> sign_in_event;
  // The new session's id; empty: a new time-ordered UUID (given when the event names it).
  std::string id;
};

// Ids that are not UUIDs are never found (nullopt / false), on both backends. ip and
// user_agent are stored as given (no length limit here: callers bound them).
class SessionRepository {
 public:
  virtual ~SessionRepository() = default;

  // Creates a session with a new time-ordered UUID id (core/ids.hpp: inserts append to the
  // index); created_at = last_used_at = now. kNotFound "User not found" when user_id does not
  // exist; kMfaState (nothing written) when `require_mfa_enabled` no longer matches the user.
  virtual Result<Session> create(const NewSession& s) = 0;

  virtual Result<std::optional<Session>> find(const std::string& id) = 0;

  // Sessions of the user that are neither revoked nor expired at `now`, newest first.
  virtual Result<std::vector<Session>> list_active(std::int64_t user_id, Timestamp now) = 0;

  // Atomically replaces refresh_jti `expected_jti` by `new_jti` and sets last_used_at;
  // false (and no change) when the session is missing, revoked, expired at `now` or its
  // current jti differs (one conditional UPDATE: of two concurrent rotations one wins).
  virtual Result<bool> rotate(const std::string& id, const std::string& expected_jti,
                              const std::string& new_jti, Timestamp now) = 0;

  // Updates last_used_at (callers throttle this). A no-op when the id does not exist.
  virtual Status touch(const std::string& id, Timestamp now) = 0;

  // Revokes one session; false when it did not exist or was already revoked.
  virtual Result<bool> revoke(const std::string& id, const std::string& reason, Timestamp now) = 0;

  // Revokes every unrevoked session of the user except `keep_id` (empty: all); returns the
  // ids revoked (sorted), so callers can report them.
  virtual Result<std::vector<std::string>> revoke_all(std::int64_t user_id,
                                                      const std::string& keep_id,
                                                      const std::string& reason, Timestamp now) = 0;
};

using SessionRepositoryPtr = std::unique_ptr<SessionRepository>;

}  // namespace gatehouse::store
