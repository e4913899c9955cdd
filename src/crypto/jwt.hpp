#pragma once
// JSON Web Tokens (libjwt 1.10 signs and verifies asymmetric keys; HS256 verification and
// claim parsing are ours, OpenSSL HMAC + Boost.JSON): one encoder and one decoder for every token
// type, so no type skips a check. The algorithm is pinned by configuration; a token whose header
// names any other algorithm, `none` included, is invalid.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/hmac.hpp"

namespace gatehouse::crypto {

enum class TokenType { kAccess, kRefresh, kVerify, kReset, kMfa };

// The `typ` claim value: "access", "refresh", "verify", "reset" or "mfa".
std::string_view token_type_name(TokenType type);

struct Claims {
  std::string sub;  // user id, always a JSON string on the wire
  TokenType typ = TokenType::kAccess;
  std::string jti;       // unique token id
  std::int64_t iat = 0;  // issued at, Unix seconds
  std::int64_t exp = 0;  // expires at, Unix seconds
  std::string iss;       // issuer; encode() uses JwtSettings::issuer when empty
  std::string sid;       // session id; empty when absent (required on access and refresh tokens)
};

struct JwtSettings {
  std::string algorithm = "HS256";            // HS256 | ES256 | RS256
  std::string secret;                         // HS256: SECRET_KEY as its UTF-8 bytes
  std::vector<std::string> previous_secrets;  // HS256: still verify during a rotation
  std::string issuer = "gatehouse";
  std::string private_key_pem;  // ES256/RS256: signing key (unencrypted PEM)
  // ES256/RS256: public keys of earlier signing keys that still verify during a rotation. The
  // current key's public half always comes from private_key_pem.
  std::vector<std::string> previous_public_keys_pem;
  // Names for the keys above in error messages (e.g. the variable and the file they came
  // from); never key material.
  std::string private_key_label = "the JWT private key";
  std::vector<std::string> previous_public_key_labels;
  // ES256/RS256: overrides the current key's id; empty means the first 16 hex characters of
  // SHA-256 of its DER SubjectPublicKeyInfo. 1-64 characters of [A-Za-z0-9._-].
  std::string kid;
};

// Tokens longer than this are rejected before any parsing or crypto (docs/http-api.md §2).
inline constexpr std::size_t kMaxJwtBytes = 1024;

// The syntactic guard of decode(): at most kMaxJwtBytes and exactly three non-empty
// dot-separated parts of [A-Za-z0-9_-]. Cheap; no decoding.
bool is_jwt_shaped(std::string_view token);

// Immutable after create(); every method is const and thread-safe.
class JwtCodec {
 public:
  // Validates the settings and loads the keys. Errors (kInternal, naming the problem, never a
  // secret): unknown algorithm; HS256 with an empty secret or previous secret; ES256/RS256
  // without a usable private key, with an unparsable or unsuitable previous public key (ES256:
  // EC P-256; RS256: RSA >= 2048 bits), or a malformed kid; an empty issuer.
  static Result<JwtCodec> create(JwtSettings settings);

  // Signs `claims`. Header {"alg":<pinned>,"typ":"JWT"} plus "kid" when asymmetric; claims
  // sub (string), typ (token_type_name), jti, iat, exp, iss (settings issuer when
  // claims.iss is empty) and sid when not empty.
  // Errors: kInternal when sub or jti is empty, when an access or refresh token has no sid,
  // or when libjwt fails.
  Result<std::string> encode(const Claims& claims) const;

  // Verifies and parses `token`, expected to be of type `expected`, at Unix time `now`.
  // Checks, in order: shape (is_jwt_shaped) before any decoding; header alg equal to the
  // configured one; signature with the pinned algorithm (HS256: HMAC under the secret and each
  // previous secret, all of them tried; ES256/RS256: the header's kid must name the current or
  // a previous public key, and only that key is tried — no kid or an unknown kid is
  // invalid); exp, sub, typ, iat and jti present
  // — exp and iat integers, sub, typ and jti non-empty strings; exp > now; iss equal to the
  // configured issuer; typ equal to `expected` (constant-time); sid a non-empty string on
  // access and refresh tokens (a string when present on others). Errors: kTokenExpired "That token
  // has Expired" when only exp <= now is wrong; kTokenInvalid "That token is Invalid" for every
  // other failure.
  Result<Claims> decode(std::string_view token, TokenType expected, std::int64_t now) const;

  // The JSON Web Key Set for /.well-known/jwks.json: {"keys":[…]} with every public key
  // (current first), each with kid, alg and "use":"sig". HS256: {"keys":[]} (nothing is public;
  // the route answers 404).
  std::string jwks_json() const;

  const std::string& algorithm() const { return settings_.algorithm; }
  // The kid put in token headers; empty for HS256.
  const std::string& kid() const { return kid_; }

 private:
  JwtCodec() = default;

  bool asymmetric() const { return settings_.algorithm != "HS256"; }
  // The signature of `signing_input` (header.payload) under one of the verification keys.
  // `header` is the decoded JSON header (its kid picks the ES256/RS256 key).
  bool signature_valid(std::string_view header, std::string_view signing_input,
                       std::string_view signature, std::string_view token) const;

  JwtSettings settings_;
  std::uint64_t id_ = 0;  // identifies this codec's keys in the verified-token cache
  int alg_ = 0;           // libjwt's jwt_alg_t, kept as int so this header does not include <jwt.h>
  std::vector<std::string> verify_keys_;  // HS256: secrets; else public key PEMs
  std::vector<std::string> verify_kids_;  // ES256/RS256: the kid of each verify_keys_ entry
  // HS256: verify_keys_ set up once for HMAC (shared: the codec is copied into its users).
  std::vector<std::shared_ptr<const HmacSha256Key>> hmac_keys_;
  std::string kid_;
  std::vector<std::string> jwks_;  // one JWK per public key
};

}  // namespace gatehouse::crypto
