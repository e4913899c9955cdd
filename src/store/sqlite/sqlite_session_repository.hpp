#pragma once
#include "store/session_repository.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

class SqliteSessionRepository final : public SessionRepository {
 public:
  explicit SqliteSessionRepository(Pool& pool) : pool_(pool) {}

  // SessionRepository
  Result<Session> create(const NewSession& s) override;
  Result<std::optional<Session>> find(const std::string& id) override;
  Result<std::vector<Session>> list_active(std::int64_t user_id, Timestamp now) override;
  Result<bool> rotate(const std::string& id, const std::string& expected_jti,
                      const std::string& new_jti, Timestamp now) override;
  Status touch(const std::string& id, Timestamp now) override;
  Result<bool> revoke(const std::string& id, const std::string& reason, Timestamp now) override;
  Result<std::vector<std::string>> revoke_all(std::int64_t user_id, const std::string& keep_id,
                                              const std::string& reason, Timestamp now) override;

 private:
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
