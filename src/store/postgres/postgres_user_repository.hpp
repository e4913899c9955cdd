#pragma once
#include "store/postgres/pg_client.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store::postgres {

class PostgresUserRepository final : public UserRepository {
 public:
  explicit PostgresUserRepository(PgClient& client) : client_(client) {}

  // UserRepository
  Result<User> create(const NewUser& user) override;
  Result<std::optional<User>> find_by_id(std::int64_t id) override;
  Result<std::optional<UserWithSession>> find_with_session(std::int64_t id,
                                                           const std::string& session_id) override;
  Result<std::optional<User>> find_by_email(const std::string& email) override;
  Result<std::vector<User>> list(std::int64_t offset, std::int64_t limit) override;
  Result<std::vector<User>> list_after(std::int64_t after_id, std::int64_t limit) override;
  Result<std::int64_t> count() override;
  Result<std::optional<User>> update_profile(std::int64_t id,
                                             const ProfileUpdate& profile) override;
  Result<std::optional<User>> set_password(std::int64_t id, const PasswordUpdate& update) override;
  Result<std::optional<User>> set_ban(std::int64_t id, const BanUpdate& ban) override;
  Result<std::optional<User>> set_verified(std::int64_t id,
                                           const std::optional<std::string>& email) override;
  Result<bool> cut_tokens(std::int64_t id, Timestamp at) override;
  Result<bool> clear_lockout(std::int64_t id) override;
  Result<bool> remove(std::int64_t id) override;
  Result<std::int64_t> count_admins() override;
  Result<std::vector<std::string>> password_hash_kinds() override;
  Result<std::vector<User>> search(const UserSearch& q, std::int64_t offset,
                                   std::int64_t limit) override;
  Result<std::int64_t> count_search(const UserSearch& q) override;
  Result<std::optional<User>> record_failed_login(std::int64_t id, int threshold,
                                                  Timestamp lock_until) override;
  Status record_successful_login(std::int64_t id, Timestamp at) override;
  Result<bool> remove_unless_last_admin(std::int64_t id) override;
  Result<std::optional<User>> set_role_unless_last_admin(std::int64_t id,
                                                         const std::string& role) override;

 private:
  PgClient& client_;
};

}  // namespace gatehouse::store::postgres
