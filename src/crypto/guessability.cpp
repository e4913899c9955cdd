#include "crypto/guessability.hpp"

#include <zxcvbn.h>

#include <algorithm>

#include "crypto/text.hpp"

namespace gatehouse::crypto {

namespace {

constexpr std::size_t kMinWordLength = 3;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The first `n` bytes of `s`, shortened so no UTF-8 sequence is cut.
std::string_view head(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && is_continuation(s[n])) --n;
  return s.substr(0, n);
}

// The last `n` bytes of `s`, starting at a character boundary.
std::string_view tail(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t start = s.size() - n;
  while (start < s.size() && is_continuation(s[start])) ++start;
  return s.substr(start);
}

void add_word(std::vector<std::string>& words, std::string_view w) {
  if (w.size() < kMinWordLength) return;
  if (std::find(words.begin(), words.end(), w) == words.end()) words.emplace_back(w);
}

// Splits `s` at any of `separators` and adds each piece.
void add_pieces(std::vector<std::string>& words, std::string_view s, std::string_view separators) {
  while (!s.empty()) {
    const auto cut = s.find_first_of(separators);
    add_word(words, s.substr(0, cut));
    if (cut == std::string_view::npos) break;
    s.remove_prefix(cut + 1);
  }
}

}  // namespace

double guess_bits(std::string_view password, const std::vector<std::string>& user_words) {
  const std::string text(password);  // zxcvbn-c wants a NUL-terminated string
  std::vector<const char*> dict;
  dict.reserve(user_words.size() + 1);
  for (const auto& w : user_words) dict.push_back(w.c_str());
  dict.push_back(nullptr);
  // The returned entropy is log2 of the guess estimate; no match details are asked for.
  return ZxcvbnMatch(text.c_str(), dict.data(), nullptr);
}

bool is_guessable(std::string_view password, const std::vector<std::string>& user_words) {
  if (guess_bits(head(password, kScoredBytes), user_words) >= kMinGuessBits) return false;
  if (password.size() <= kScoredBytes) return true;
  return guess_bits(tail(password, kScoredBytes), user_words) < kMinGuessBits;
}

std::vector<std::string> email_words(std::string_view email) {
  std::vector<std::string> words;
  if (email.empty()) return words;
  const std::string mail = ascii_lower(email);
  const auto at = mail.rfind('@');
  const std::string_view local = std::string_view(mail).substr(0, at);
  add_word(words, mail);
  add_word(words, local);
  add_pieces(words, local, "._+-");
  if (at != std::string::npos) {
    std::string_view domain = std::string_view(mail).substr(at + 1);
    const auto last_dot = domain.rfind('.');
    if (last_dot != std::string_view::npos) domain = domain.substr(0, last_dot);
    add_pieces(words, domain, ".");
  }
  return words;
}

}  // namespace gatehouse::crypto
