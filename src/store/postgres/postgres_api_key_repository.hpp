#pragma once
#include "store/api_key_repository.hpp"
#include "store/postgres/pg_client.hpp"

namespace gatehouse::store::postgres {

class PostgresApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit PostgresApiKeyRepository(PgClient& client) : client_(client) {}

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
  PgClient& client_;
};

}  // namespace gatehouse::store::postgres
