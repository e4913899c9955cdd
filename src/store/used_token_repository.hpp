#pragma once
// UsedTokenRepository: single-use tokens (email verification, password reset, MFA tokens).
// A token is spent by inserting its jti; the insert either wins or finds it already spent,
// atomically, on every backend and across instances.
#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

class UsedTokenRepository {
 public:
  virtual ~UsedTokenRepository() = default;

  // true when this call spent the token, false when it had been spent before.
  // `expires_at` is the token's own expiry: rows past it may be purged.
  virtual Result<bool> consume(const std::string& jti, const std::string& kind,
                               Timestamp expires_at) = 0;

  // Deletes rows whose token expired before `now`; returns how many.
  virtual Result<std::int64_t> purge_expired(Timestamp now) = 0;
};

using UsedTokenRepositoryPtr = std::unique_ptr<UsedTokenRepository>;

}  // namespace gatehouse::store
