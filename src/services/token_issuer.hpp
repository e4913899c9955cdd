#pragma once
// TokenIssuer: every token Gatehouse signs goes through here (one encoder, seed #15), with
// the lifetimes of the settings and a random jti.
#include <string>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "crypto/jwt.hpp"
#include "services/clock.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::services {

class TokenIssuer {
 public:
  TokenIssuer(const crypto::JwtCodec& codec, const config::Settings& settings, Clock clock);

  Result<std::string> access(const store::User& user, const std::string& sid) const;
  Result<std::string> refresh(const store::User& user, const std::string& sid,
                              const std::string& jti) const;
  Result<std::string> verify(const store::User& user) const;
  // Reset tokens are bound to the password they may replace: their sid claim carries a
  // fingerprint of the current hash, so a password change kills earlier reset links.
  Result<std::string> reset(const store::User& user) const;

  // Decodes and checks type, signature, issuer and expiry (401 errors as API.md §2).
  Result<crypto::Claims> decode(std::string_view token, crypto::TokenType type) const;

  static std::string password_fingerprint(const store::User& user);
  static std::string new_jti();

  store::Timestamp now() const { return clock_(); }
  std::chrono::minutes access_lifetime() const { return access_; }
  std::chrono::minutes refresh_lifetime() const { return refresh_; }

 private:
  Result<std::string> issue(const store::User& user, crypto::TokenType type,
                            std::chrono::minutes lifetime, std::string sid, std::string jti) const;

  const crypto::JwtCodec& codec_;
  Clock clock_;
  std::chrono::minutes access_;
  std::chrono::minutes refresh_;
  std::chrono::minutes verify_;
  std::chrono::minutes reset_;
};

}  // namespace gatehouse::services
