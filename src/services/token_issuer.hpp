#pragma once
// TokenIssuer: every token Gatehouse signs goes through here (one encoder for every type), with
// the lifetimes of the settings and a random jti.
#include <memory>
#include <optional>
#include <string>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "crypto/hmac.hpp"
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
  // Verification tokens are bound to the address they were sent to, reset tokens to the
  // address and the password they may replace: their sid claim carries a fingerprint of
  // those (binding_fingerprint), so an email or password change kills earlier links.
  Result<std::string> verify(const store::User& user) const;
  Result<std::string> reset(const store::User& user) const;
  // The second step of a sign-in with TOTP (MFA_TOKEN_EXPIRE_MINUTES), bound the same way to
  // the address, the password, tokens_valid_after and the TOTP state.
  Result<std::string> mfa(const store::User& user) const;
  // Whether a decoded verify/reset/mfa token's sid still matches `user` (constant time).
  bool still_bound(const crypto::Claims& claims, const store::User& user) const;

  // Decodes and checks type, signature, issuer and expiry (401 errors: docs/http-api.md §2).
  Result<crypto::Claims> decode(std::string_view token, crypto::TokenType type) const;

  // The public signing keys as a JSON Web Key Set (docs/http-api.md §2 "Signing keys"); nullopt
  // with HS256, where nothing may be published.
  std::optional<std::string> jwks_json() const;

  static std::string new_jti();

  store::Timestamp now() const { return clock_(); }
  std::chrono::minutes access_lifetime() const { return access_; }
  std::chrono::minutes refresh_lifetime() const { return refresh_; }
  std::chrono::minutes mfa_lifetime() const { return mfa_; }

 private:
  Result<std::string> issue(const store::User& user, crypto::TokenType type,
                            std::chrono::minutes lifetime, std::string sid, std::string jti) const;

  // Keyed (SECRET_KEY), so a token that leaks through a URL does not let anyone confirm a
  // guessed address; truncated, since it only has to tell two states of one account apart.
  std::string binding_fingerprint(crypto::TokenType type, const store::User& user) const;

  const crypto::JwtCodec& codec_;
  std::shared_ptr<const crypto::HmacSha256Key> binding_key_;
  Clock clock_;
  std::chrono::minutes access_;
  std::chrono::minutes refresh_;
  std::chrono::minutes verify_;
  std::chrono::minutes reset_;
  std::chrono::minutes mfa_;
};

}  // namespace gatehouse::services
