#pragma once
// HMAC-SHA256 (OpenSSL), for API-key hashes and any other keyed digest.
#include <string>
#include <string_view>

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX, so this header does not include OpenSSL

namespace gatehouse::crypto {

// Raw 32-byte HMAC-SHA256 of `message` under `key` (RFC 2104; any key length, empty allowed).
std::string hmac_sha256(std::string_view key, std::string_view message);

// An HMAC-SHA256 key set up once (OpenSSL's algorithm fetch and key schedule), for keys that
// sign or verify on every request. Immutable; sign() is thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // Raw 32-byte HMAC-SHA256 of `message`; equal to hmac_sha256(key, message).
  std::string sign(std::string_view message) const;

 private:
  evp_mac_ctx_st* ctx_;  // OpenSSL's EVP_MAC_CTX, keyed; duplicated per call
};

// Raw 32-byte SHA-256 of `data`.
std::string sha256(std::string_view data);

}  // namespace gatehouse::crypto
