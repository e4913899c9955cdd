#pragma once
// Internal to crypto/ (JwtCodec uses it): asymmetric JWT keys — PEM parsing, key-type checks,
// key ids and public JWKs (OpenSSL 3).
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::crypto::jwt_keys {

struct PublicKey {
  std::string der;       // DER SubjectPublicKeyInfo
  std::string pem;       // the same, as PEM ("BEGIN PUBLIC KEY")
  std::string kid;       // first 16 hex characters of SHA-256 of `der`
  std::string jwk_json;  // {"kty",…,"alg","use":"sig"}; jwk_with_kid() adds the kid
};

// Parses a "BEGIN PUBLIC KEY" PEM and checks it suits `alg` ("ES256": EC P-256; "RS256": RSA of
// at least 2048 bits). Errors: kInternal naming what is wrong (never the key material).
Result<PublicKey> load_public(std::string_view pem, std::string_view alg);

// The public half of an unencrypted PEM private key (PKCS#8 or traditional), checked as above.
Result<PublicKey> public_of_private(std::string_view private_pem, std::string_view alg);

// The JWK of `key` with `kid` as its key id.
std::string jwk_with_kid(const PublicKey& key, std::string_view kid);

}  // namespace gatehouse::crypto::jwt_keys
