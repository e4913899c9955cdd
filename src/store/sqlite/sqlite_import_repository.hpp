#pragma once
#include "store/import_repository.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

class SqliteImportRepository final : public ImportRepository {
 public:
  explicit SqliteImportRepository(Pool& pool) : pool_(pool) {}

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
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
