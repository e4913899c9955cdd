#include "crypto/random.hpp"

#include <sodium.h>

#include "crypto/sodium_init.hpp"

namespace gatehouse::crypto {

std::string random_bytes(std::size_t n) {
  ensure_sodium();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string random_urlsafe(std::size_t nbytes) { return base64url_encode(random_bytes(nbytes)); }

std::string random_hex(std::size_t nbytes) { return hex_encode(random_bytes(nbytes)); }

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gatehouse::crypto
