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

// Errors common to every method: kUnavailable when the database cannot be reached (or the
// pool stays exhausted past its timeout), kInternal for anything unexpected.
// Writes that break a column rule (role not "user"/"admin", a string longer than the
// reference's VARCHAR limit: email 120, first_name 30, last_name 50, password 255) fail with
// kBadRequest on both backends.
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

  // Users ordered by id ascending; negative offset/limit are treated as 0.
  virtual Result<std::vector<User>> list(std::int64_t offset, std::int64_t limit) = 0;

  virtual Result<std::int64_t> count() = 0;

  // Writes every field of `user` except id and created_at, sets updated_at to now and
  // returns the stored row. kNotFound when the id does not exist; kConflict (same message as
  // create) when the new email belongs to another user.
  virtual Result<User> update(const User& user) = 0;

  // Deletes the user and, by cascade, their API keys. false when the id did not exist.
  virtual Result<bool> remove(std::int64_t id) = 0;

  // Number of users whose role is "admin".
  virtual Result<std::int64_t> count_admins() = 0;
};

using UserRepositoryPtr = std::unique_ptr<UserRepository>;

}  // namespace gatehouse::store
