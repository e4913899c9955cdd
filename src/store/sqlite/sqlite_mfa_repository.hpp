#pragma once
#include "store/mfa_repository.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

class SqliteMfaRepository final : public MfaRepository {
 public:
  explicit SqliteMfaRepository(Pool& pool) : pool_(pool) {}

  // MfaRepository
  Result<bool> set_pending_secret(std::int64_t user_id, const std::string& sealed_secret) override;
  Result<std::optional<User>> enable(std::int64_t user_id,
                                     const std::string& expected_sealed_secret,
                                     const std::vector<std::string>& recovery_code_hashes) override;
  Result<std::optional<MfaDisabled>> disable(std::int64_t user_id) override;
  Result<std::vector<RecoveryCode>> unused_recovery_codes(std::int64_t user_id) override;
  Result<std::optional<int>> use_recovery_code(std::int64_t user_id, std::int64_t code_id,
                                               Timestamp at) override;
  Result<std::optional<int>> record_challenge_failure(const std::string& jti, std::int64_t user_id,
                                                      Timestamp expires_at,
                                                      int max_failures) override;
  Result<bool> challenge_spent(const std::string& jti) override;
  Result<std::optional<int>> count_second_factor_failure(std::int64_t user_id) override;
  Result<std::optional<User>> extend_lock(std::int64_t user_id, Timestamp until) override;
  Result<std::int64_t> purge_expired_challenges(Timestamp now) override;

 private:
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
