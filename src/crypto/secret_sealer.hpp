#pragma once
// Secrets stored encrypted at rest (TOTP secrets): libsodium's crypto_secretbox (XSalsa20-
// Poly1305) under a key derived from SECRET_KEY for one purpose, so a database dump alone
// reveals nothing and a key made for one purpose opens nothing of another. Sealed text is
// nonce || ciphertext; sealing twice gives two different texts. During a SECRET_KEY
// rotation, text sealed under a previous key still opens.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::crypto {

class SecretSealer {
 public:
  // `context`: exactly 8 characters naming the purpose (libsodium's KDF context), e.g.
  // "ghtotp01". Throws std::invalid_argument for another length (a programming error).
  SecretSealer(std::string_view secret_key, const std::vector<std::string>& previous_secret_keys,
               std::string_view context);

  // `plaintext` sealed under the current key.
  std::string seal(std::string_view plaintext) const;

  // The plaintext of `sealed`, opened with the current key or else a previous one; nullopt
  // when no key opens it (tampered, truncated, another purpose or a retired key).
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  std::vector<std::string> keys_;  // current first
};

}  // namespace gatehouse::crypto
