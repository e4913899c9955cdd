#pragma once
// MfaRepository: a user's second factor (docs/http-api.md §4 "Two-factor authentication"):
// the TOTP columns of `users`, the `mfa_recovery_codes` table and the `mfa_challenges` table
// that counts each mfa_token's wrong codes. Implementations: store/sqlite, store/postgres.
// Safe for concurrent use; every method is one statement or one transaction, so two requests
// that race (two confirmations, a confirmation and a new enrolment, two uses of one recovery
// code, two failures of one token) never both win.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store {

// One stored recovery code: its keyed hash (never the code) and its row id.
struct RecoveryCode {
  std::int64_t id = 0;
  std::string code_hash;
};

// What MfaRepository::disable found and wrote.
struct MfaDisabled {
  User user;                 // the row after the write
  bool was_enabled = false;  // TOTP was on (a pending enrolment alone does not count)
};

class MfaRepository {
 public:
  virtual ~MfaRepository() = default;

  // users.mfa_secret = `sealed_secret` (a pending enrolment, replacing any earlier pending one)
  // while mfa_enabled is false. false when the user does not exist or TOTP is already enabled
  // (nothing written).
  virtual Result<bool> set_pending_secret(std::int64_t user_id,
                                          const std::string& sealed_secret) = 0;

  // One transaction: mfa_enabled = true, only while mfa_enabled is false and mfa_secret is still
  // `expected_sealed_secret` (the secret the confirmation code was checked against), and the
  // user's recovery codes replaced by `recovery_code_hashes`. Returns the row after; nullopt
  // (nothing written) when the user is gone, TOTP is already on or the pending secret changed.
  virtual Result<std::optional<User>> enable(
      std::int64_t user_id, const std::string& expected_sealed_secret,
      const std::vector<std::string>& recovery_code_hashes) = 0;

  // One transaction: mfa_enabled = false, mfa_secret = NULL, every recovery code of the user
  // deleted. nullopt when the user does not exist.
  virtual Result<std::optional<MfaDisabled>> disable(std::int64_t user_id) = 0;

  // The user's recovery codes not used yet, ordered by id.
  virtual Result<std::vector<RecoveryCode>> unused_recovery_codes(std::int64_t user_id) = 0;

  // Marks the code `code_id` of `user_id` used at `at`, only if it is still unused. Returns how
  // many unused codes the user has left after it; nullopt when it was already used (or is not
  // this user's): of two concurrent uses, exactly one wins.
  virtual Result<std::optional<int>> use_recovery_code(std::int64_t user_id, std::int64_t code_id,
                                                       Timestamp at) = 0;

  // mfa_token bookkeeping, keyed by the token's jti (`expires_at` is the token's own expiry;
  // rows past it may be purged).
  //
  // Records one wrong code for the token: failures + 1, and the token is spent when that
  // reaches `max_failures`. Returns the failure count after this one; nullopt when the token
  // had already been spent (nothing recorded).
  virtual Result<std::optional<int>> record_challenge_failure(const std::string& jti,
                                                              std::int64_t user_id,
                                                              Timestamp expires_at,
                                                              int max_failures) = 0;
  // True when the token's last allowed failure spent it. A success is not recorded here: it
  // spends the token in the replay guard (kv/), with no database write (services/
  // second_factor.hpp), so this only reads.
  virtual Result<bool> challenge_spent(const std::string& jti) = 0;

  // Second-factor lockout. One more wrong code: users.mfa_failures + 1 (reset to 0 by a
  // completed sign-in and by disable). Returns the count after it; nullopt when the user
  // does not exist.
  virtual Result<std::optional<int>> count_second_factor_failure(std::int64_t user_id) = 0;
  // locked_until = `until`, only if that lengthens the lock. Returns the row after; nullopt
  // when nothing changed (a longer lock runs, or no such user).
  virtual Result<std::optional<User>> extend_lock(std::int64_t user_id, Timestamp until) = 0;

  // Deletes challenge rows whose token expired before `now`; returns how many.
  virtual Result<std::int64_t> purge_expired_challenges(Timestamp now) = 0;
};

using MfaRepositoryPtr = std::unique_ptr<MfaRepository>;

}  // namespace gatehouse::store
