#include "services/second_factor.hpp"

#include <algorithm>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/totp.hpp"
#include "observability/log.hpp"

namespace gatehouse::services {

namespace {

// libsodium KDF context of the TOTP secrets' key (8 characters): changing it orphans every
// stored secret.
constexpr std::string_view kSealContext = "ghtotp01";
// Prefix of users.mfa_secret: the format of what follows (base64url of nonce || box).
constexpr std::string_view kSealedPrefix = "v1:";
constexpr std::string_view kRecoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kRecoveryLetters = 10;
// A used code stays refused for this long: its step ends at most one step after now, plus
// one step of margin for clocks that disagree between instances.
constexpr auto kReplayWindow = std::chrono::seconds(4 * crypto::kTotpStepSeconds);

std::unique_ptr<crypto::HmacSha256Key> recovery_key(std::string_view secret_key) {
  return std::make_unique<crypto::HmacSha256Key>(
      crypto::hmac_sha256(secret_key, "gatehouse recovery codes"));
}

std::string replay_key(std::int64_t user_id, std::uint64_t step) {
  return "totp:" + std::to_string(user_id) + ":" + std::to_string(step);
}

// How long a spent mfa_token's id is kept after the token expires.
constexpr auto kTokenClockMargin = std::chrono::minutes(1);

}  // namespace

std::optional<std::string> normal_recovery_code(std::string_view code) {
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '-' && i == kRecoveryLetters / 2 && code.size() == kRecoveryLetters + 1) continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (kRecoveryAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != kRecoveryLetters) return std::nullopt;
  return out;
}

SecondFactor::SecondFactor(const config::Settings& settings, store::Database& db,
                           kv::ReplayGuard& replay, Clock clock)
    : issuer_(settings.metadata.title),
      db_(db),
      replay_(replay),
      clock_(std::move(clock)),
      sealer_(settings.secret_key, settings.auth.previous_secret_keys, kSealContext) {
  recovery_keys_.push_back(recovery_key(settings.secret_key));
  for (const auto& previous : settings.auth.previous_secret_keys) {
    recovery_keys_.push_back(recovery_key(previous));
  }
}

NewTotpSecret SecondFactor::new_secret(const store::User& user) const {
  const std::string raw = crypto::new_totp_secret();
  NewTotpSecret s;
  s.sealed = std::string(kSealedPrefix) + crypto::base64url_encode(sealer_.seal(raw));
  s.base32 = crypto::base32_encode(raw);
  s.otpauth_uri = crypto::otpauth_uri(issuer_, user.email, raw);
  return s;
}

NewRecoveryCodes SecondFactor::new_recovery_codes(std::int64_t user_id) const {
  NewRecoveryCodes out;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    // 32 letters divide 256: masking a random byte picks each one uniformly.
    const std::string bytes = crypto::random_bytes(kRecoveryLetters);
    std::string normal;
    for (const char b : bytes)
      normal.push_back(kRecoveryAlphabet[static_cast<unsigned char>(b) & 31U]);
    out.hashes.push_back(recovery_hashes(user_id, normal).front());
    out.codes.push_back(normal.substr(0, kRecoveryLetters / 2) + "-" +
                        normal.substr(kRecoveryLetters / 2));
  }
  return out;
}

std::vector<std::string> SecondFactor::recovery_hashes(std::int64_t user_id,
                                                       std::string_view code) const {
  // The user id is part of the message: one user's code is nobody else's.
  std::string message = std::to_string(user_id);
  message.push_back('\0');
  message += code;
  std::vector<std::string> out;
  for (const auto& key : recovery_keys_) out.push_back(crypto::hex_encode(key->sign(message)));
  return out;
}

std::optional<std::string> SecondFactor::open_secret(const store::User& user) const {
  if (!user.mfa_secret || !user.mfa_secret->starts_with(kSealedPrefix)) return std::nullopt;
  auto sealed =
      crypto::base64url_decode(std::string_view(*user.mfa_secret).substr(kSealedPrefix.size()));
  if (!sealed) return std::nullopt;
  auto raw = sealer_.open(*sealed);
  if (!raw) {
    // A SECRET_KEY changed without PREVIOUS_SECRET_KEYS: the user needs an admin reset.
    obs::error(obs::Category::kAuth,
               "The TOTP secret of user ID {} does not open with the configured keys", user.id);
  }
  return raw;
}

Result<CodeMatch> SecondFactor::match(const store::User& user, std::string_view code,
                                      bool allow_recovery) {
  CodeMatch m;
  if (crypto::is_totp_code_shaped(code)) {
    auto raw = open_secret(user);
    // A server fault, not a wrong code: it must not count toward the user's lockout.
    if (!raw)
      return Error::internal("the TOTP secret of a user does not open (SECRET_KEY changed?)");
    const std::int64_t now = unix_seconds(clock_());
    if (auto step = crypto::totp_match(*raw, code, now, 1)) {
      m.kind = CodeMatch::Kind::kTotp;
      m.totp_step = *step;
    }
    return m;
  }
  if (!allow_recovery) return m;
  const auto normal = normal_recovery_code(code);
  if (!normal) return m;
  auto stored = db_.mfa().unused_recovery_codes(user.id);
  if (!stored) return stored.error();
  const auto candidates = recovery_hashes(user.id, *normal);
  for (const auto& row : *stored) {
    for (const auto& candidate : candidates) {
      if (crypto::constant_time_equal(row.code_hash, candidate)) {
        m.kind = CodeMatch::Kind::kRecovery;
        m.recovery_code_id = row.id;
      }
    }
  }
  return m;
}

Result<bool> SecondFactor::spend(const store::User& user, const CodeMatch& match, int* remaining) {
  switch (match.kind) {
    case CodeMatch::Kind::kTotp: {
      auto first =
          replay_.first_use(replay_key(user.id, match.totp_step),
                            std::chrono::duration_cast<std::chrono::milliseconds>(kReplayWindow));
      if (!first) return first.error();
      return *first;
    }
    case CodeMatch::Kind::kRecovery: {
      auto left = db_.mfa().use_recovery_code(user.id, match.recovery_code_id, clock_());
      if (!left) return left.error();
      if (!*left) return false;
      if (remaining) *remaining = **left;
      return true;
    }
    case CodeMatch::Kind::kNone:
      break;
  }
  return false;
}

Result<bool> SecondFactor::spend_token(std::string_view jti, store::Timestamp expires_at) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      expires_at + kTokenClockMargin - clock_());
  return replay_.first_use("mfa_token:" + std::string(jti),
                           std::max(left, std::chrono::milliseconds(1)));
}

}  // namespace gatehouse::services
