#include "crypto/password_policy.hpp"

#include <algorithm>
#include <cstddef>

#include "crypto/bcrypt.hpp"
#include "crypto/common_passwords.hpp"
#include "crypto/guessability.hpp"
#include "crypto/text.hpp"

namespace gatehouse::crypto {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Any byte of a non-ASCII character counts, so one accented letter or emoji is a symbol.
bool is_symbol(char c) { return !is_upper(c) && !is_lower(c) && !is_digit(c); }

template <class Pred>
bool any_of(std::string_view s, Pred pred) {
  return std::any_of(s.begin(), s.end(), pred);
}

std::optional<std::string> class_rule(std::string_view password) {
  if (!any_of(password, is_upper)) return "Password must contain an uppercase letter";
  if (!any_of(password, is_lower)) return "Password must contain a lowercase letter";
  if (!any_of(password, is_digit)) return "Password must contain a digit";
  if (!any_of(password, is_symbol)) return "Password must contain a symbol";
  return std::nullopt;
}

// The local part is searched for only from 3 characters on: "jo@x.org" must not forbid every
// password containing "jo".
constexpr std::size_t kMinLocalPartToSearch = 3;

bool contains_email(std::string_view password, std::string_view email) {
  if (email.empty()) return false;
  const std::string pw = ascii_lower(password);
  const std::string mail = ascii_lower(email);
  const std::string local = mail.substr(0, mail.find('@'));
  if (pw.find(mail) != std::string::npos) return true;  // equal to it, or containing it
  if (local.empty()) return false;
  if (pw == local) return true;
  return local.size() >= kMinLocalPartToSearch && pw.find(local) != std::string::npos;
}

}  // namespace

std::optional<std::string> check_password(std::string_view password, std::string_view email,
                                          const PolicySettings& settings) {
  const std::size_t length = utf8_length(password);
  if (length < static_cast<std::size_t>(std::max(settings.min_length, 0))) {
    return "Password must be at least " + std::to_string(settings.min_length) + " characters";
  }
  if (length > static_cast<std::size_t>(std::max(settings.max_length, 0))) {
    return "Password must be at most " + std::to_string(settings.max_length) + " characters";
  }
  if (settings.bcrypt && password.size() > bcrypt::kMaxPasswordBytes) {
    return "Password must be 72 bytes or fewer when encoded as UTF-8";
  }
  if (settings.require_classes) {
    if (auto failed = class_rule(password)) return failed;
  }
  // Guessable by anyone: the bundled list (exact, any case), then zxcvbn's estimate.
  if (is_common_password(password) || is_guessable(password)) return "Password is too common";
  if (contains_email(password, email)) return "Password must not contain your email";
  // Guessable by someone who knows the address ("Smith.Alice-1!", "4l1c3-2024!"): checked
  // after the email rule, whose message is the more useful one when both apply.
  if (!email.empty() && is_guessable(password, email_words(email))) {
    return "Password is too common";
  }
  return std::nullopt;
}

}  // namespace gatehouse::crypto
