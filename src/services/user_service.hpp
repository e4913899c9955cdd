#pragma once
// UserService: the /users rules (docs/http-api.md §5 "User routes", §6 "Sessions").
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "services/audit_log.hpp"
#include "services/auth_service.hpp"
#include "services/principal.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

struct UsersPage {
  std::vector<store::User> items;
  std::int64_t total = 0;
  int page = 1;
  int size = 50;
};

struct UserUpdate {
  std::string email;  // normalised
  std::string first_name;
  std::string last_name;
  std::optional<std::string> password;          // absent or empty: unchanged
  std::optional<std::string> current_password;  // required for one's own password
};

// A user added by an operator (`gatehouse user create`, `db seed`, `db populate`): verified at
// once, no email sent.
struct NewUserInput {
  std::string email;  // normalised
  std::string password;
  std::string first_name;
  std::string last_name;
  bool admin = false;
  bool check_policy = true;  // false: any password (test data only, `--force-weak`)
};

struct BanInput {
  std::optional<std::string> reason;
  std::optional<store::Timestamp> until;
};

inline constexpr const char* kNoSuchUser = "This User does not exist";
// The reference answers a ban of a banned user and an unban of an unbanned one alike.
inline constexpr const char* kAlreadyInBanState = "This User is already banned/unbanned";
inline constexpr const char* kCurrentPasswordRequired = "Current password is required";
inline constexpr const char* kCurrentPasswordIncorrect = "Current password is incorrect";

class UserService {
 public:
  UserService(store::Database& db, AuthService& auth, HashPool& hashes, Notifier& notifier,
              AuditLog& audit);

  Result<store::User> get(std::int64_t id);
  Result<UsersPage> list(int page, int size);
  // Up to `size` users with an id above `after_id`, by id: walks every user page by page at
  // the same cost per page (the CLI's `user list`), where list() counts and offsets.
  Result<std::vector<store::User>> list_after(std::int64_t after_id, int size);
  Result<UsersPage> search(const store::UserSearch& q, int page, int size);

  // An operator's new user (NewUserInput). A taken address is kEmailTaken (store::
  // kUserEmailTaken), found before the costly hash; then the password policy, when asked.
  Result<store::User> create(const NewUserInput& in);

  // PUT /users/{id}: `actor` is the owner or an admin (checked by the caller).
  Result<store::User> update(const Principal& actor, std::int64_t id, const UserUpdate& in);
  // POST /users/{id}/password.
  Status change_password(const Principal& actor, std::int64_t id, const std::string& password,
                         const std::optional<std::string>& current_password);

  Status make_admin(std::int64_t id);
  Status remove_admin(std::int64_t id);
  Status ban(const Principal& actor, std::int64_t id, const BanInput& in);
  Status unban(const Principal& actor, std::int64_t id);
  Status remove(std::int64_t id);
  Status unlock(std::int64_t id);
  // `gatehouse user verify`: marks the user verified whatever their address.
  Status verify(std::int64_t id);

  Result<std::vector<store::Session>> sessions(std::int64_t user_id);
  Status revoke_session(std::int64_t user_id, const std::string& session_id);
  Status revoke_all_sessions(std::int64_t user_id);

 private:
  Result<store::User> require(std::int64_t id);
  // Checks the new password against the policy (422 on "password"; `email` is the address the
  // account will have), the current password (one's own change), and hashes the new one.
  Result<store::PasswordUpdate> password_update(const Principal& actor, const store::User& user,
                                                const std::string& password,
                                                const std::optional<std::string>& current_password,
                                                const std::string& email);

  Error lost_race(const Principal& actor, std::int64_t id, bool password);
  // make_admin/remove_admin: the role and its user.role_changed event (none when unchanged).
  Status set_role(std::int64_t id, const char* role);
  // user.updated, and user.email_changed / user.password_changed when those changed.
  Status record_update(const store::User& before, const store::User& after, bool password);

  store::Database& db_;
  AuthService& auth_;
  HashPool& hashes_;
  Notifier& notifier_;
  AuditLog& audit_;
};

}  // namespace gatehouse::services
