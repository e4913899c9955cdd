#include "crypto/password_hasher.hpp"

#include <charconv>
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

// Reads "<key>=<digits>" at the start of `text` and the separator after it; false otherwise.
bool read_param(std::string_view& text, std::string_view key, char separator,
                std::uint32_t& value) {
  if (text.substr(0, key.size()) != key || text.size() <= key.size() + 1 ||
      text[key.size()] != '=') {
    return false;
  }
  const char* first = text.data() + key.size() + 1;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first || ptr == last || *ptr != separator) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr + 1 - text.data()));
  return true;
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

std::optional<HashSettings> PasswordHasher::settings_of(std::string_view encoded) {
  HashSettings s;
  if (is_argon2(encoded)) {
    std::string_view rest = encoded.substr(argon2::kPrefix.size());
    std::uint32_t version = 0;
    std::uint32_t lanes = 0;
    if (!read_param(rest, "v", '$', version) || !read_param(rest, "m", ',', s.argon2_memory_kib) ||
        !read_param(rest, "t", ',', s.argon2_iterations) || !read_param(rest, "p", '$', lanes)) {
      return std::nullopt;
    }
    return s;
  }
  // "$2b$12$": the cost is the two digits between the second and third '$'.
  if (encoded.size() < 7 || encoded[0] != '$' || encoded[1] != '2' ||
      (encoded[2] != 'a' && encoded[2] != 'b' && encoded[2] != 'y') || encoded[3] != '$' ||
      encoded[6] != '$') {
    return std::nullopt;
  }
  int cost = 0;
  const auto [ptr, ec] = std::from_chars(encoded.data() + 4, encoded.data() + 6, cost);
  if (ec != std::errc() || ptr != encoded.data() + 6 || cost < bcrypt::kMinCost ||
      cost > bcrypt::kMaxCost) {
    return std::nullopt;
  }
  s.algorithm = HashSettings::Algorithm::kBcrypt;
  s.bcrypt_rounds = cost;
  return s;
}

std::string PasswordHasher::kind_name(const HashSettings& s) {
  if (s.algorithm == HashSettings::Algorithm::kBcrypt) {
    return "bcrypt " + std::to_string(s.bcrypt_rounds);
  }
  return "argon2id m=" + std::to_string(s.argon2_memory_kib) +
         " t=" + std::to_string(s.argon2_iterations);
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // The result is meaningless by construction; only the time spent matters.
  [[maybe_unused]] const bool ignored = verify(password, dummy_hash_);
}

}  // namespace gatehouse::crypto
