#pragma once
#include "store/postgres/pg_client.hpp"
#include "store/session_repository.hpp"

namespace gatehouse::store::postgres {

class PostgresSessionRepository final : public SessionRepository {
 public:
  explicit PostgresSessionRepository(PgClient& client) : client_(client) {}

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
  PgClient& client_;
};

}  // namespace gatehouse::store::postgres
