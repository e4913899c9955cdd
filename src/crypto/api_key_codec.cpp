#include "crypto/api_key_codec.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/random.hpp"

namespace gatehouse::crypto {

std::string generate_api_key(std::string_view prefix) {
  std::string key(prefix);
  key += random_urlsafe(kApiKeyRandomBytes);
  return key;
}

std::string api_key_hash(std::string_view secret_key, std::string_view raw_key) {
  return hex_encode(hmac_sha256(secret_key, raw_key));
}

bool has_prefix_constant_time(std::string_view raw, std::string_view prefix) {
  if (raw.size() < prefix.size()) return false;
  return constant_time_equal(raw.substr(0, prefix.size()), prefix);
}

}  // namespace gatehouse::crypto
