#pragma once
// Password hashing: Argon2id (default, libsodium) or bcrypt "$2b$" (libxcrypt). Whatever the
// setting, hashes of both formats verify, so accounts imported from the Python template
// (bcrypt) keep working and are re-hashed on their next login (see needs_rehash).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::crypto {

struct HashSettings {
  enum class Algorithm { kArgon2id, kBcrypt };
  Algorithm algorithm = Algorithm::kArgon2id;
  // OWASP's Argon2id minimum: 19 MiB, t=2, p=1 (libsodium always uses p=1).
  std::uint32_t argon2_memory_kib = 19456;
  std::uint32_t argon2_iterations = 2;
  int bcrypt_rounds = 12;  // log2 of the bcrypt work factor
};

// Thread-safe: every method is const and shares no mutable state, so one instance serves all
// worker threads. Hashing is slow by design; callers run it on the password pool.
class PasswordHasher {
 public:
  // Precomputes the dummy hash (one hash with `settings`, so construction costs one hash).
  // Precondition, checked: argon2_iterations >= 1, argon2_memory_kib >= 8, bcrypt_rounds in
  // 4..31; otherwise throws std::invalid_argument (configuration validates tighter ranges).
  explicit PasswordHasher(HashSettings settings);

  // Hashes `password` with the configured algorithm and a fresh random salt.
  // Errors: kBadRequest "Password cannot be empty"; under bcrypt kBadRequest for a password
  // over 72 UTF-8 bytes ("Password must be 72 bytes or fewer when encoded as UTF-8") or
  // containing a NUL byte — never silently truncated; kInternal if the library fails.
  Result<std::string> hash(std::string_view password) const;

  // True when `password` matches `encoded`, which may be "$argon2id$…" or bcrypt
  // "$2a$"/"$2b$"/"$2y$…", whatever the configured algorithm. False for a wrong password, an
  // empty password, a malformed or unknown hash, and under a bcrypt hash for a password over
  // 72 bytes (it could never have been hashed).
  bool verify(std::string_view password, std::string_view encoded) const;

  // True when `encoded` should be replaced by hash(password) after a successful verify: it
  // uses the other algorithm, different Argon2 parameters, a different bcrypt cost, or is
  // malformed.
  bool needs_rehash(std::string_view encoded) const;

  // Verifies `password` against the precomputed dummy hash and discards the answer, so a login
  // for an unknown user costs the same as a wrong password.
  void verify_dummy(std::string_view password) const;

  const HashSettings& settings() const { return settings_; }

  // The scheme and cost `encoded` was made with, read from its parameters: "$2a$"/"$2b$"/"$2y$"
  // with a two-digit cost, or "$argon2id$v=19$m=…,t=…,p=…$". A prefix that ends after the
  // parameters is enough (the salt and digest are not looked at). nullopt for anything else.
  // Fields of the other algorithm keep their defaults.
  static std::optional<HashSettings> settings_of(std::string_view encoded);

  // A short name of the scheme and cost: "argon2id m=19456 t=2" or "bcrypt 12". Hashes with
  // the same name cost the same to verify.
  static std::string kind_name(const HashSettings& settings);

 private:
  HashSettings settings_;
  std::string dummy_hash_;
};

}  // namespace gatehouse::crypto
