#pragma once
// SecondFactor: what a TOTP second factor is made of and how a code is checked
// (docs/authentication.md "Two-factor authentication"). The secret is stored sealed
// (crypto/secret_sealer.hpp, its own key derived from SECRET_KEY), so a database dump alone
// gives no second factor; recovery codes are stored as keyed hashes (they are random, so a
// keyed hash is enough) and each works once; a TOTP code is accepted once per user and time
// step on every instance (kv::ReplayGuard: Redis when configured).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "crypto/hmac.hpp"
#include "crypto/secret_sealer.hpp"
#include "kv/replay_guard.hpp"
#include "services/clock.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

inline constexpr int kRecoveryCodeCount = 10;

// A fresh TOTP secret: as the database keeps it and as the user's app needs it.
struct NewTotpSecret {
  std::string sealed;       // users.mfa_secret
  std::string base32;       // shown once at enrolment
  std::string otpauth_uri;  // the same, for a QR code
};

// Fresh recovery codes ("abcde-23456", 50 random bits each) and their keyed hashes.
struct NewRecoveryCodes {
  std::vector<std::string> codes;   // shown once
  std::vector<std::string> hashes;  // stored
};

// What a submitted code turned out to be, before it is spent.
struct CodeMatch {
  enum class Kind { kNone, kTotp, kRecovery };
  Kind kind = Kind::kNone;
  std::uint64_t totp_step = 0;        // kTotp: the RFC 6238 counter that matched
  std::int64_t recovery_code_id = 0;  // kRecovery: the row
  explicit operator bool() const { return kind != Kind::kNone; }
};

class SecondFactor {
 public:
  SecondFactor(const config::Settings& settings, store::Database& db, kv::ReplayGuard& replay,
               Clock clock);

  // A new secret for `user` (issuer API_TITLE, account the email).
  NewTotpSecret new_secret(const store::User& user) const;
  NewRecoveryCodes new_recovery_codes(std::int64_t user_id) const;

  // What `code` is for `user`: a TOTP code of the stored secret (pending or enabled) within
  // one step of now, or, with `allow_recovery`, one of the user's unused recovery codes.
  // Nothing is spent. kNone for anything else, malformed input included.
  Result<CodeMatch> match(const store::User& user, std::string_view code, bool allow_recovery);

  // Spends a match: the TOTP step is recorded in the replay guard, the recovery code marked
  // used. false when it had been spent already (a replay, or a concurrent use that won).
  // kUnavailable when the replay guard cannot be reached: the code is then refused, never
  // accepted unchecked. `*remaining` (when given) receives the recovery codes left.
  Result<bool> spend(const store::User& user, const CodeMatch& match, int* remaining = nullptr);

  // Spends an mfa_token on a success: its id is recorded in the same replay guard until the
  // token has expired (plus a minute for clocks that disagree between instances). false when
  // it had been spent already; kUnavailable as for spend(). Without a database write, a
  // sign-in with a second factor costs about what a refresh costs (docs/benchmarks.md).
  Result<bool> spend_token(std::string_view jti, store::Timestamp expires_at);

 private:
  std::optional<std::string> open_secret(const store::User& user) const;
  // The keyed hashes a recovery code may be stored under: current key first, then the keys
  // of PREVIOUS_SECRET_KEYS (codes made before a rotation keep working).
  std::vector<std::string> recovery_hashes(std::int64_t user_id, std::string_view code) const;

  std::string issuer_;
  store::Database& db_;
  kv::ReplayGuard& replay_;
  Clock clock_;
  crypto::SecretSealer sealer_;
  std::vector<std::unique_ptr<crypto::HmacSha256Key>> recovery_keys_;  // current first
};

// Whether `code` looks like a recovery code (ten base32 letters, optionally "xxxxx-xxxxx",
// any case); its normal form (lower case, no hyphen) when it does.
std::optional<std::string> normal_recovery_code(std::string_view code);

}  // namespace gatehouse::services
