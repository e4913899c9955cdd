#include "crypto/password_hasher.hpp"

#include <stdexcept>

#include "crypto/argon2.hpp"
#include "crypto/bcrypt.hpp"
#include "crypto/random.hpp"

namespace gatehouse::crypto {

namespace {

argon2::Params argon2_params(const HashSettings& s) {
  return {s.argon2_iterations, static_cast<std::size_t>(s.argon2_memory_kib) * 1024};
}

bool is_argon2(std::string_view encoded) {
  return encoded.substr(0, argon2::kPrefix.size()) == argon2::kPrefix;
}

}  // namespace

PasswordHasher::PasswordHasher(HashSettings settings) : settings_(settings) {
  if (!argon2::valid(argon2_params(settings_))) {
    throw std::invalid_argument("Argon2 parameters outside libsodium's limits");
  }
  if (settings_.bcrypt_rounds < bcrypt::kMinCost || settings_.bcrypt_rounds > bcrypt::kMaxCost) {
    throw std::invalid_argument("bcrypt rounds must be between 4 and 31");
  }
  // A random password nobody knows: the dummy hash must never match anything.
  auto dummy = hash(random_urlsafe(24));
  if (!dummy) throw std::runtime_error("cannot compute the dummy password hash");
  dummy_hash_ = std::move(*dummy);
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  if (settings_.algorithm == HashSettings::Algorithm::kBcrypt) {
    return bcrypt::hash(password, settings_.bcrypt_rounds);
  }
  return argon2::hash(password, argon2_params(settings_));
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
  if (is_argon2(encoded)) return argon2::verify(password, encoded);
  if (bcrypt::cost_of(encoded)) return bcrypt::verify(password, encoded);
  return false;
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  if (settings_.algorithm == HashSettings::Algorithm::kBcrypt) {
    // $2a$/$2b$/$2y$ are the same algorithm for passwords of at most 72 bytes (the only ones
    // we accept), so only the cost matters.
    const auto cost = bcrypt::cost_of(encoded);
    return !cost || *cost != settings_.bcrypt_rounds;
  }
  return argon2::needs_rehash(encoded, argon2_params(settings_));
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // The result is meaningless by construction; only the time spent matters.
  [[maybe_unused]] const bool ignored = verify(password, dummy_hash_);
}

}  // namespace gatehouse::crypto
