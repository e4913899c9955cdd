#include "services/token_issuer.hpp"

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace gatehouse::services {

TokenIssuer::TokenIssuer(const crypto::JwtCodec& codec, const config::Settings& settings,
                         Clock clock)
    : codec_(codec),
      // A key of its own, derived from SECRET_KEY: these digests never share a key with the
      // API-key hashes.
      binding_key_(std::make_shared<const crypto::HmacSha256Key>(
          crypto::hmac_sha256(settings.secret_key, "gatehouse token binding"))),
      clock_(std::move(clock)),
      access_(settings.access_token_expire_minutes),
      refresh_(settings.auth.refresh_token_expire_minutes),
      verify_(settings.auth.verify_token_expire_minutes),
      reset_(settings.auth.reset_token_expire_minutes),
      mfa_(settings.auth.mfa_token_expire_minutes) {}

std::string TokenIssuer::new_jti() { return crypto::random_urlsafe(16); }

std::string TokenIssuer::binding_fingerprint(crypto::TokenType type,
                                             const store::User& user) const {
  // NUL separates the parts: no email, encoded hash, timestamp or sealed secret contains one.
  std::string message;
  switch (type) {
    case crypto::TokenType::kReset:
      message = "reset";
      break;
    case crypto::TokenType::kMfa:
      message = "mfa";
      break;
    default:
      message = "verify";
      break;
  }
  message.push_back('\0');
  message += user.email;
  if (type == crypto::TokenType::kReset || type == crypto::TokenType::kMfa) {
    message.push_back('\0');
    message += user.password_hash;
  }
  if (type == crypto::TokenType::kMfa) {
    // A sign-in half done dies with every later cut-off (ban, reset, logout-all) and with
    // any change of the second factor (disabled, reset by an admin, enrolled again).
    message.push_back('\0');
    if (user.tokens_valid_after) message += store::format_iso8601(*user.tokens_valid_after);
    message.push_back('\0');
    message += user.mfa_enabled ? "on" : "off";
    message.push_back('\0');
    message += user.mfa_secret.value_or("");
  }
  return crypto::hex_encode(binding_key_->sign(message).substr(0, 12));
}

bool TokenIssuer::still_bound(const crypto::Claims& claims, const store::User& user) const {
  return crypto::constant_time_equal(claims.sid, binding_fingerprint(claims.typ, user));
}

Result<std::string> TokenIssuer::issue(const store::User& user, crypto::TokenType type,
                                       std::chrono::minutes lifetime, std::string sid,
                                       std::string jti) const {
  const std::int64_t now = unix_seconds(clock_());
  crypto::Claims c;
  c.sub = std::to_string(user.id);
  c.typ = type;
  c.jti = jti.empty() ? new_jti() : std::move(jti);
  c.iat = now;
  c.exp = now + std::chrono::duration_cast<std::chrono::seconds>(lifetime).count();
  c.sid = std::move(sid);
  return codec_.encode(c);
}

Result<std::string> TokenIssuer::access(const store::User& user, const std::string& sid) const {
  return issue(user, crypto::TokenType::kAccess, access_, sid, "");
}

Result<std::string> TokenIssuer::refresh(const store::User& user, const std::string& sid,
                                         const std::string& jti) const {
  return issue(user, crypto::TokenType::kRefresh, refresh_, sid, jti);
}

Result<std::string> TokenIssuer::verify(const store::User& user) const {
  return issue(user, crypto::TokenType::kVerify, verify_,
               binding_fingerprint(crypto::TokenType::kVerify, user), "");
}

Result<std::string> TokenIssuer::reset(const store::User& user) const {
  return issue(user, crypto::TokenType::kReset, reset_,
               binding_fingerprint(crypto::TokenType::kReset, user), "");
}

Result<std::string> TokenIssuer::mfa(const store::User& user) const {
  return issue(user, crypto::TokenType::kMfa, mfa_,
               binding_fingerprint(crypto::TokenType::kMfa, user), "");
}

std::optional<std::string> TokenIssuer::jwks_json() const {
  if (codec_.algorithm() == "HS256") return std::nullopt;
  return codec_.jwks_json();
}

Result<crypto::Claims> TokenIssuer::decode(std::string_view token, crypto::TokenType type) const {
  return codec_.decode(token, type, unix_seconds(clock_()));
}

}  // namespace gatehouse::services
