#include "crypto/totp.hpp"

#include <liboath/oath.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/percent.hpp"
#include "crypto/random.hpp"

namespace gatehouse::crypto {

namespace {

void ensure_oath() {
  static std::once_flag once;
  std::call_once(once, [] { oath_init(); });
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};

struct CompareHandle {
  std::string_view code;
};

// liboath compares each candidate step's code with this: in constant time, so the time a
// wrong code takes says nothing about how many of its digits were right. 0 means equal.
int compare_code(void* handle, const char* candidate) {
  const auto* h = static_cast<const CompareHandle*>(handle);
  if (std::strlen(candidate) != h->code.size()) return 1;
  return sodium_memcmp(candidate, h->code.data(), h->code.size()) == 0 ? 0 : 1;
}

}  // namespace

std::string new_totp_secret() { return random_bytes(kTotpSecretBytes); }

std::string base32_encode(std::string_view raw) {
  ensure_oath();
  char* out = nullptr;
  std::size_t out_len = 0;
  if (oath_base32_encode(raw.data(), raw.size(), &out, &out_len) != OATH_OK) return {};
  std::unique_ptr<char, FreeDeleter> owned(out);
  std::string text(out, out_len);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<std::string> base32_decode(std::string_view text) {
  ensure_oath();
  std::string padded;
  for (char c : text) {
    padded += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  while (padded.size() % 8 != 0) padded += '=';
  char* out = nullptr;
  std::size_t out_len = 0;
  if (oath_base32_decode(padded.data(), padded.size(), &out, &out_len) != OATH_OK) {
    return std::nullopt;
  }
  std::unique_ptr<char, FreeDeleter> owned(out);
  return std::string(out, out_len);
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view raw_secret) {
  const std::string label = percent_encode(issuer) + ":" + percent_encode(account);
  return "otpauth://totp/" + label + "?secret=" + base32_encode(raw_secret) +
         "&issuer=" + percent_encode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

bool is_totp_code_shaped(std::string_view code) {
  if (code.size() != static_cast<std::size_t>(kTotpDigits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::uint64_t> totp_match(std::string_view raw_secret, std::string_view code,
                                        std::int64_t now_unix, int window) {
  if (!is_totp_code_shaped(code) || window < 0) return std::nullopt;
  ensure_oath();
  CompareHandle handle{code};
  int position = 0;
  std::uint64_t counter = 0;
  const int rc = oath_totp_validate3_callback(
      raw_secret.data(), raw_secret.size(), static_cast<time_t>(now_unix), kTotpStepSeconds,
      OATH_TOTP_DEFAULT_START_TIME, kTotpDigits, static_cast<std::size_t>(window), &position,
      &counter, compare_code, &handle);
  if (rc < 0) return std::nullopt;
  return counter;
}

}  // namespace gatehouse::crypto
