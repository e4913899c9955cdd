#include "services/token_issuer.hpp"

#include <openssl/sha.h>

#include "crypto/random.hpp"

namespace gatehouse::services {

TokenIssuer::TokenIssuer(const crypto::JwtCodec& codec, const config::Settings& settings,
                         Clock clock)
    : codec_(codec),
      clock_(std::move(clock)),
      access_(settings.access_token_expire_minutes),
      refresh_(settings.auth.refresh_token_expire_minutes),
      verify_(settings.auth.verify_token_expire_minutes),
      reset_(settings.auth.reset_token_expire_minutes) {}

std::string TokenIssuer::new_jti() { return crypto::random_urlsafe(16); }

std::string TokenIssuer::password_fingerprint(const store::User& user) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(user.password_hash.data()),
         user.password_hash.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
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
  return issue(user, crypto::TokenType::kVerify, verify_, "", "");
}

Result<std::string> TokenIssuer::reset(const store::User& user) const {
  return issue(user, crypto::TokenType::kReset, reset_, password_fingerprint(user), "");
}

Result<crypto::Claims> TokenIssuer::decode(std::string_view token, crypto::TokenType type) const {
  return codec_.decode(token, type, unix_seconds(clock_()));
}

}  // namespace gatehouse::services
