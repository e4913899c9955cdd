#pragma once
#include "store/sqlite/sqlite_pool.hpp"
#include "store/used_token_repository.hpp"

namespace gatehouse::store::sqlite {

class SqliteUsedTokenRepository final : public UsedTokenRepository {
 public:
  explicit SqliteUsedTokenRepository(Pool& pool) : pool_(pool) {}

  // UsedTokenRepository
  Result<bool> consume(const std::string& jti, const std::string& kind,
                       Timestamp expires_at) override;
  Result<std::int64_t> purge_expired(Timestamp now) override;

 private:
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
