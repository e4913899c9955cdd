#pragma once
#include "store/import_repository.hpp"
#include "store/postgres/pg_client.hpp"

namespace gatehouse::store::postgres {

class PostgresImportRepository final : public ImportRepository {
 public:
  explicit PostgresImportRepository(PgClient& client) : client_(client) {}

  // ImportRepository
  Result<std::vector<StoredUserIdentity>> users_matching(
      const std::vector<std::int64_t>& ids, const std::vector<std::string>& emails) override;
  Result<std::vector<StoredKeyIdentity>> api_keys_matching(
      const std::vector<std::string>& ids, const std::vector<std::string>& key_hashes) override;
  Status insert_users(const std::vector<ImportedUser>& users, Timestamp at) override;
  Status insert_api_keys(const std::vector<ImportedApiKey>& keys) override;
  Status advance_user_ids() override;
  Status lock_for_batch() override;

 private:
  PgClient& client_;
};

}  // namespace gatehouse::store::postgres
