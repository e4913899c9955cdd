#include "crypto/bcrypt.hpp"

#include <crypt.h>
#include <sodium.h>

#include <memory>

#include "crypto/random.hpp"

namespace gatehouse::crypto::bcrypt {

namespace {

constexpr std::size_t kHashLength = 60;  // "$2b$" + "NN$" + 22 salt + 31 digest characters

bool is_bcrypt_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

bool acceptable_password(std::string_view password) {
  return !password.empty() && password.size() <= kMaxPasswordBytes &&
         password.find('\0') == std::string_view::npos;
}

// crypt_data is about 32 KiB: too large for worker stacks, so each call gets its own on the
// heap (no sharing, hence thread-safe), zeroed before first use as crypt_r requires and wiped
// afterwards because it held password-derived state.
struct CryptScratch {
  std::unique_ptr<crypt_data> data = std::make_unique<crypt_data>();
  ~CryptScratch() { sodium_memzero(data.get(), sizeof(crypt_data)); }
};

// crypt_r over NUL-terminated copies; the password copy is wiped on return.
std::string run_crypt(std::string_view password, std::string_view setting) {
  std::string pw(password);
  const std::string set(setting);
  CryptScratch scratch;
  const char* out = crypt_r(pw.c_str(), set.c_str(), scratch.data.get());
  std::string result = out != nullptr ? std::string(out) : std::string();
  sodium_memzero(pw.data(), pw.size());
  return result;
}

}  // namespace

std::optional<int> cost_of(std::string_view encoded) {
  if (encoded.size() != kHashLength || encoded[0] != '$' || encoded[1] != '2' ||
      (encoded[2] != 'a' && encoded[2] != 'b' && encoded[2] != 'y') || encoded[3] != '$' ||
      encoded[6] != '$') {
    return std::nullopt;
  }
  const char tens = encoded[4];
  const char ones = encoded[5];
  if (tens < '0' || tens > '9' || ones < '0' || ones > '9') return std::nullopt;
  const int cost = (tens - '0') * 10 + (ones - '0');
  if (cost < kMinCost || cost > kMaxCost) return std::nullopt;
  for (char c : encoded.substr(7)) {
    if (!is_bcrypt_char(c)) return std::nullopt;
  }
  return cost;
}

Result<std::string> hash(std::string_view password, int cost) {
  if (password.empty()) return Error::invalid_input("Password cannot be empty");
  if (password.size() > kMaxPasswordBytes) {
    return Error::invalid_input("Password must be 72 bytes or fewer when encoded as UTF-8");
  }
  if (password.find('\0') != std::string_view::npos) {
    return Error::invalid_input("Password must not contain a NUL character");
  }
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  // nullptr random bytes: libxcrypt draws the salt from the OS CSPRNG itself.
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt) ==
      nullptr) {
    return Error::internal("crypt_gensalt_rn failed for bcrypt cost " + std::to_string(cost));
  }
  std::string out = run_crypt(password, salt);
  // On failure crypt_r returns a "*0"/"*1" token rather than a hash.
  if (!cost_of(out)) return Error::internal("crypt_r failed to produce a bcrypt hash");
  return out;
}

bool verify(std::string_view password, std::string_view encoded) {
  if (!acceptable_password(password) || !cost_of(encoded)) return false;
  return constant_time_equal(run_crypt(password, encoded), encoded);
}

}  // namespace gatehouse::crypto::bcrypt
