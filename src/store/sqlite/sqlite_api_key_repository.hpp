#pragma once
#include "store/api_key_repository.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

class SqliteApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit SqliteApiKeyRepository(Pool& pool) : pool_(pool) {}

  // ApiKeyRepository
  Result<ApiKey> create(const NewApiKey& key) override;
  Result<std::optional<ApiKey>> find_by_hash(const std::string& key_hash) override;
  Result<std::optional<ApiKey>> find_by_id(const std::string& id) override;
  Result<std::optional<ApiKeyWithOwner>> find_by_hash_with_owner(
      const std::string& key_hash) override;
  Result<std::vector<ApiKey>> list_for_user(std::int64_t user_id) override;
  Result<std::optional<ApiKey>> update_name_active(const std::string& id,
                                                   const std::optional<std::string>& name,
                                                   std::optional<bool> is_active) override;
  Result<bool> remove(const std::string& id) override;
  Result<bool> touch_last_used(const std::string& id, Timestamp when) override;
  Result<bool> replace_hash(const std::string& id, const std::string& old_hash,
                            const std::string& new_hash) override;

 private:
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
