#include "crypto/argon2.hpp"

#include <sodium.h>

#include <array>

#include "crypto/sodium_init.hpp"

namespace gatehouse::crypto::argon2 {

namespace {

using EncodedBuffer = std::array<char, crypto_pwhash_STRBYTES>;

// libsodium reads encoded hashes as NUL-terminated strings in a crypto_pwhash_STRBYTES buffer;
// anything that does not fit cannot be one of ours.
bool to_buffer(std::string_view encoded, EncodedBuffer& out) {
  if (encoded.size() >= out.size() || encoded.substr(0, kPrefix.size()) != kPrefix) return false;
  if (encoded.find('\0') != std::string_view::npos) return false;
  out.fill('\0');
  encoded.copy(out.data(), encoded.size());
  return true;
}

}  // namespace

bool valid(const Params& params) {
  return params.iterations >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
         params.iterations <= crypto_pwhash_argon2id_OPSLIMIT_MAX &&
         params.memory_bytes >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
         params.memory_bytes <= crypto_pwhash_argon2id_MEMLIMIT_MAX;
}

Result<std::string> hash(std::string_view password, const Params& params) {
  if (password.empty()) return Error::invalid_input("Password cannot be empty");
  ensure_sodium();
  EncodedBuffer out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), params.iterations,
                            params.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::internal("crypto_pwhash_str_alg failed (out of memory?)");
  }
  return std::string(out.data());
}

bool verify(std::string_view password, std::string_view encoded) {
  EncodedBuffer buffer;
  if (password.empty() || !to_buffer(encoded, buffer)) return false;
  ensure_sodium();
  return crypto_pwhash_str_verify(buffer.data(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view encoded, const Params& params) {
  EncodedBuffer buffer;
  if (!to_buffer(encoded, buffer)) return true;
  ensure_sodium();
  // 0: same parameters; 1: different; -1: malformed. Only 0 keeps the hash.
  return crypto_pwhash_str_needs_rehash(buffer.data(), params.iterations, params.memory_bytes) != 0;
}

}  // namespace gatehouse::crypto::argon2
