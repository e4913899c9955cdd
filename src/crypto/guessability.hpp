#pragma once
// How many guesses a password would take an attacker who tries common passwords, words,
// names, keyboard patterns, dates and sequences first, with their usual disguises
// (capitals, leetspeak, appended digits and years): zxcvbn's model, through zxcvbn-c
// (Debian libzxcvbn, dictionaries compiled in). Internal to crypto/: the password policy
// turns it into the "Password is too common" rule.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::crypto {

// 10^8 guesses (log2 = 26.58 bits): zxcvbn's boundary between "somewhat guessable" and
// "safely unguessable" (score 3). Below it a password falls to an online attack spread over
// many addresses or to one day of offline guessing against a fast hash.
inline constexpr double kMinGuessBits = 26.575424759098897;

// Only this many bytes (cut back to a UTF-8 boundary) are scored at once: zxcvbn-c's cost
// grows faster than the square of the length (128 repeated characters take milliseconds),
// and the check runs before any rate limit. See is_guessable for how longer ones are judged.
inline constexpr std::size_t kScoredBytes = 64;

// log2 of zxcvbn's guess estimate for `password`, with `user_words` (lower case) as an extra
// dictionary tried first. Bytes from a NUL on are not seen (they cannot be: callers refuse
// NUL); the estimate can only be lower for it.
double guess_bits(std::string_view password, const std::vector<std::string>& user_words);

// True when `password` takes fewer than 10^8 guesses. A password longer than kScoredBytes
// passes when its first or its last kScoredBytes do: a part that strong already makes the
// whole at least that hard to guess.
bool is_guessable(std::string_view password, const std::vector<std::string>& user_words = {});

// Words an attacker who knows the account would try first: the lower-cased address, its
// local part and the pieces of it split at . _ + -, and the domain's labels but the last,
// each from 3 characters on (shorter ones are in every dictionary already).
std::vector<std::string> email_words(std::string_view email);

}  // namespace gatehouse::crypto
