#include "crypto/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

namespace gatehouse::crypto {

namespace {
const unsigned char* as_bytes(std::string_view s) {
  // OpenSSL wants a valid pointer even for zero-length input; an empty string_view may hold
  // nullptr.
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (HMAC(EVP_sha256(), as_bytes(key), static_cast<int>(key.size()), as_bytes(message),
           message.size(), out, &out_len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

HmacSha256Key::HmacSha256Key(std::string_view key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw std::runtime_error("HMAC unavailable");
  ctx_ = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context keeps its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  if (ctx_ == nullptr || EVP_MAC_init(ctx_, as_bytes(key), key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx_);
    throw std::runtime_error("HMAC-SHA256 key setup failed");
  }
}

HmacSha256Key::~HmacSha256Key() { EVP_MAC_CTX_free(ctx_); }

std::string HmacSha256Key::sign(std::string_view message) const {
  // A copy of the keyed context: no fetch, no key schedule, and `ctx_` stays untouched.
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_dup(ctx_),
                                                                &EVP_MAC_CTX_free);
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  if (!ctx || EVP_MAC_update(ctx.get(), as_bytes(message), message.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &out_len, sizeof out) != 1) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(as_bytes(data), data.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace gatehouse::crypto
