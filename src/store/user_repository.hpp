#pragma once
// UserRepository: the `users` table (reference data model, plus timestamps).
// Implementations: store/sqlite, store/postgres. Safe for concurrent use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

inline constexpr const char* kRoleUser = "user";
inline constexpr const char* kRoleAdmin = "admin";

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;  // column `password` (bcrypt or argon2id encoded hash)
  std::string first_name;
  std::string last_name;
  std::string role = kRoleUser;  // "user" | "admin"
  bool banned = false;
  bool verified = false;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> last_login_at;
  // Access and refresh tokens issued (iat) before this time are dead (reset, ban, delete,
  // logout-all, an admin's password change). nullopt: no such cut-off.
  std::optional<Timestamp> tokens_valid_after;
  int failed_logins = 0;                  // consecutive failed logins since the last success
  std::optional<Timestamp> locked_until;  // login refused before this time (lockout)
  std::optional<Timestamp> banned_until;  // end of a time-limited ban; `banned` stays the flag
  std::optional<std::string> ban_reason;  // at most 255 characters
  bool mfa_enabled = false;               // TOTP confirmed and required at login
  std::optional<std::string> mfa_secret;  // TOTP secret (set at enrolment, before confirmation)
  // When TOTP was last turned on (null while off): API keys made before it are not trusted
  // for admin access under MFA_REQUIRED_FOR_ADMINS (api/access.cpp).
  std::optional<Timestamp> mfa_enabled_at;
};

struct NewUser {
  std::string email;
  std::string password_hash;
  std::string first_name;
  std::string last_name;
  std::string role = kRoleUser;
  bool banned = false;
  bool verified = false;
};

// Filter of UserRepository::search(). Partial (exact = false): case-insensitive "contains",
// where `%`, `_` and `\` in the term match literally (the store escapes them), with the same
// Unicode case folding on both backends (PostgreSQL's lower() in a UTF-8 locale; SQLite gets
// an equivalent gh_lower()). Exact: case-sensitive equality. kAll: any of the three columns.
// A user and whether a given session of theirs may still be used.
struct UserWithSession {
  User user;
  bool session_live = false;  // the session exists, belongs to the user and is not revoked
};

// What UserRepository::set_password (and update_profile, with a password) writes.
struct PasswordUpdate {
  std::string hash;
  // Optimistic concurrency: write only while the stored hash is still this one (a rule was
  // checked against it: the current password, a reset link's fingerprint, a rehash).
  std::optional<std::string> expected_hash;
  // Also cut every token issued before this time (an admin's change, a reset).
  std::optional<Timestamp> tokens_valid_after;
  bool clear_lockout = false;  // a reset also ends a lockout
};

// What UserRepository::update_profile writes: email and names, and a new password when given
// (one statement, so a profile edit with a password change is all or nothing).
struct ProfileUpdate {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::optional<PasswordUpdate> password;
};

// What UserRepository::set_ban writes: banned = true with `until` / `reason`, or an unban
// (banned = false, both cleared).
struct BanUpdate {
  bool banned = false;
  std::optional<Timestamp> until;
  std::optional<std::string> reason;  // at most 255 characters
  std::optional<Timestamp> tokens_valid_after;
};

struct UserSearch {
  enum class Field { kAll, kEmail, kFirstName, kLastName };
  std::string term;
  Field field = Field::kAll;
  bool exact = false;
};

// Errors common to every method: kUnavailable when the database cannot be reached (or the
// pool stays exhausted past its timeout), kInternal for anything unexpected.
// Writes that break a column rule (role not "user"/"admin", a string longer than the
// reference's VARCHAR limit: email 120, first_name 30, last_name 50, password 255; ban_reason
// 255, failed_logins negative) fail with kBadRequest on both backends.
class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Inserts a user; id, created_at and updated_at (= now) are assigned by the store.
  // kConflict "A User with this email already exists" when the email is taken (exact,
  // case-sensitive match; callers normalise case).
  virtual Result<User> create(const NewUser& user) = 0;

  // nullopt when no user has this id / email.
  virtual Result<std::optional<User>> find_by_id(std::int64_t id) = 0;
  virtual Result<std::optional<User>> find_by_email(const std::string& email) = 0;

  // The user `id` and the state of its session `session_id`, in one read: the check every
  // access token costs. nullopt when no user has this id; session_live false when the session
  // is missing (or not a UUID), another user's, or revoked.
  virtual Result<std::optional<UserWithSession>> find_with_session(
      std::int64_t id, const std::string& session_id) = 0;

  // Users ordered by id ascending; negative offset/limit are treated as 0.
  virtual Result<std::vector<User>> list(std::int64_t offset, std::int64_t limit) = 0;

  // At most `limit` users whose id is above `after_id`, ordered by id ascending: keyset paging,
  // so walking every user (the CLI's `user list`) costs the same per page however deep it is,
  // where an OFFSET would rescan all the rows before it. Negative limit is treated as 0.
  virtual Result<std::vector<User>> list_after(std::int64_t after_id, std::int64_t limit) = 0;

  virtual Result<std::int64_t> count() = 0;

  // Column-scoped writes. Each one changes only the columns it names (and updated_at), in
  // one statement, so two requests that change different things of one user never undo each
  // other (a ban during a slow password change stays). kNotFound / nullopt when the id does
  // not exist.

  // Email, names and optionally the password. When the new email differs from the stored
  // one the same statement marks the user unverified (a verification proves one address).
  // nullopt when the id does not exist or the password's `expected_hash` no longer matches
  // (then nothing is written); kConflict (same message as create) when the new email belongs
  // to another user.
  virtual Result<std::optional<User>> update_profile(std::int64_t id,
                                                     const ProfileUpdate& profile) = 0;

  // The password hash (see PasswordUpdate). nullopt when the id does not exist or, with
  // `expected_hash`, when the stored hash is no longer that one.
  virtual Result<std::optional<User>> set_password(std::int64_t id,
                                                   const PasswordUpdate& update) = 0;

  // banned, banned_until and ban_reason as given; with `tokens_valid_after`, cuts tokens too.
  virtual Result<std::optional<User>> set_ban(std::int64_t id, const BanUpdate& ban) = 0;

  // verified = true. With `email`, only while the stored email is still that address (a link
  // sent to an old address verifies nothing); nullopt when it is not, or no such id.
  virtual Result<std::optional<User>> set_verified(std::int64_t id,
                                                   const std::optional<std::string>& email) = 0;

  // tokens_valid_after = `at`, unless a later cut-off is already stored (it never moves back).
  // false when the id does not exist.
  virtual Result<bool> cut_tokens(std::int64_t id, Timestamp at) = 0;

  // failed_logins = 0 and locked_until = NULL. false when the id does not exist.
  virtual Result<bool> clear_lockout(std::int64_t id) = 0;

  // Deletes the user and, by cascade, their API keys and sessions. false when the id did not exist.
  virtual Result<bool> remove(std::int64_t id) = 0;

  // Number of users whose role is "admin".
  virtual Result<std::int64_t> count_admins() = 0;

  // Users matching `q` (see UserSearch) ordered by id ascending, paged like list(), and how
  // many match in all.
  virtual Result<std::vector<User>> search(const UserSearch& q, std::int64_t offset,
                                           std::int64_t limit) = 0;
  virtual Result<std::int64_t> count_search(const UserSearch& q) = 0;

  // One failed login, atomically: failed_logins + 1; when that reaches `threshold`,
  // locked_until = `lock_until` and failed_logins restarts at 0. threshold <= 0 never locks.
  // Returns the updated row; nullopt when the id does not exist. updated_at is not touched
  // (login bookkeeping is not a profile change), nor by record_successful_login.
  virtual Result<std::optional<User>> record_failed_login(std::int64_t id, int threshold,
                                                          Timestamp lock_until) = 0;

  // failed_logins = 0, mfa_failures = 0, last_login_at = `at`. A no-op when the id does not
  // exist.
  virtual Status record_successful_login(std::int64_t id, Timestamp at) = 0;

  // The last-admin rule, atomic under concurrency on both backends: one transaction that
  // first locks every admin row and the target (one SELECT ... ORDER BY id FOR UPDATE on
  // PostgreSQL; BEGIN IMMEDIATE on SQLite), so two admins removing or demoting each other at
  // once leave one admin.
  //
  // Deletes the user like remove() (false when the id does not exist); kBadRequest
  // "Cannot delete the last admin user" when the user is the only admin.
  virtual Result<bool> remove_unless_last_admin(std::int64_t id) = 0;

  // Sets the role (and updated_at) and returns the stored row; nullopt when the id does not
  // exist; kBadRequest "Cannot remove the last admin user" when that would demote the only
  // admin; kBadRequest kInvalidRecord for a role other than "user"/"admin".
  virtual Result<std::optional<User>> set_role_unless_last_admin(std::int64_t id,
                                                                 const std::string& role) = 0;

  // The distinct scheme-and-parameter prefixes of the stored password hashes, the text before
  // the salt: "$2b$12$" for bcrypt, "$argon2id$v=19$m=19456,t=2,p=1$" for Argon2id (anything
  // else gives its first 7 characters). Failed logins are padded to the slowest of them
  // (services/login_timing.hpp). One scan of the table; no order.
  virtual Result<std::vector<std::string>> password_hash_kinds() = 0;
};

using UserRepositoryPtr = std::unique_ptr<UserRepository>;

}  // namespace gatehouse::store
