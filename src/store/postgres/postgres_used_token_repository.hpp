#pragma once
#include "store/postgres/pg_client.hpp"
#include "store/used_token_repository.hpp"

namespace gatehouse::store::postgres {

class PostgresUsedTokenRepository final : public UsedTokenRepository {
 public:
  explicit PostgresUsedTokenRepository(PgClient& client) : client_(client) {}

  // UsedTokenRepository
  Result<bool> consume(const std::string& jti, const std::string& kind,
                       Timestamp expires_at) override;
  Result<std::int64_t> purge_expired(Timestamp now) override;

 private:
  PgClient& client_;
};

}  // namespace gatehouse::store::postgres
