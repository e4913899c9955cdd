#include "crypto/secret_sealer.hpp"

#include <sodium.h>

#include <stdexcept>

#include "crypto/random.hpp"
#include "crypto/sodium_init.hpp"

namespace gatehouse::crypto {

namespace {

// SECRET_KEY is text of any length: BLAKE2b-256 makes it the KDF's 32-byte master key, and
// the KDF derives the key of this purpose from it.
std::string purpose_key(std::string_view secret_key, std::string_view context) {
  unsigned char master[crypto_kdf_KEYBYTES];
  crypto_generichash(master, sizeof master,
                     reinterpret_cast<const unsigned char*>(secret_key.data()), secret_key.size(),
                     nullptr, 0);
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(key.data()), key.size(), 1,
                             std::string(context).c_str(), master);
  sodium_memzero(master, sizeof master);
  return key;
}

}  // namespace

SecretSealer::SecretSealer(std::string_view secret_key,
                           const std::vector<std::string>& previous_secret_keys,
                           std::string_view context) {
  if (context.size() != crypto_kdf_CONTEXTBYTES) {
    throw std::invalid_argument("SecretSealer context must be 8 characters");
  }
  ensure_sodium();
  keys_.push_back(purpose_key(secret_key, context));
  for (const auto& previous : previous_secret_keys) keys_.push_back(purpose_key(previous, context));
}

std::string SecretSealer::seal(std::string_view plaintext) const {
  std::string out = random_bytes(crypto_secretbox_NONCEBYTES);
  out.resize(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        bytes, reinterpret_cast<const unsigned char*>(keys_.front().data()));
  return out;
}

std::optional<std::string> SecretSealer::open(std::string_view sealed) const {
  constexpr std::size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (sealed.size() < kOverhead) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(sealed.size() - kOverhead, '\0');
  for (const auto& key : keys_) {
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   bytes + crypto_secretbox_NONCEBYTES,
                                   sealed.size() - crypto_secretbox_NONCEBYTES, bytes,
                                   reinterpret_cast<const unsigned char*>(key.data())) == 0) {
      return plain;
    }
  }
  return std::nullopt;
}

}  // namespace gatehouse::crypto
