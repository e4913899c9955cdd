#pragma once
// The password policy (docs/http-api.md §3): pure rules, no I/O beyond the bundled list of
// common passwords and zxcvbn's compiled-in dictionaries. Applied on register, reset,
// password change and CLI user creation; login applies only the length limits.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

struct PolicySettings {
  int min_length = 12;          // code points (PASSWORD_MIN_LENGTH)
  int max_length = 128;         // code points (PASSWORD_MAX_LENGTH)
  bool require_classes = true;  // PASSWORD_REQUIRE_CLASSES
  bool bcrypt = false;          // PASSWORD_HASH=bcrypt: the 72-byte limit applies
};

// The message of the first rule `password` breaks, nullopt when it passes. Rules, in order:
//   1. "Password must be at least N characters"   (code points, not bytes)
//   2. "Password must be at most N characters"
//   3. bcrypt only: "Password must be 72 bytes or fewer when encoded as UTF-8"
//   4. require_classes only: "Password must contain an uppercase letter" / "a lowercase
//      letter" / "a digit" / "a symbol" — uppercase is A-Z, lowercase a-z, digit 0-9, and a
//      symbol is any other character (punctuation, space, or any non-ASCII character)
//   5. "Password is too common": in the bundled list (case-insensitive), or fewer than 10^8
//      guesses by zxcvbn's estimate (crypto/guessability.hpp), which sees through
//      capitals, leetspeak, keyboard walks, appended digits, years and dates
//   6. "Password must not contain your email": equal to the email or its local part, or
//      containing the email, or containing the local part when that is 3+ characters long
//      (ASCII case-insensitive). Skipped when `email` is empty.
//   7. "Password is too common" again when the estimate falls under 10^8 guesses once the
//      address's words (crypto::email_words) are in the dictionary: a disguised local
//      part or name is guessable by whoever targets the account. Skipped when `email` is
//      empty. (It comes after rule 6, whose message says more when both apply.)
// Callers prefix "Value error, " for the 422 body.
std::optional<std::string> check_password(std::string_view password, std::string_view email,
                                          const PolicySettings& settings);

}  // namespace gatehouse::crypto
