#include "core/email_address.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse {

namespace {

bool is_atext(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
  return kSpecials.find(static_cast<char>(c)) != std::string_view::npos || c >= 0x80;
}

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '-' || c >= 0x80;
  });
}

}  // namespace

EmailCheck check_email(std::string_view text) {
  EmailCheck out;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) {
    out.reason = "An email address must have an @-sign.";
    return out;
  }
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty()) {
    out.reason = "There must be something before the @-sign.";
    return out;
  }
  if (domain.empty()) {
    out.reason = "There must be something after the @-sign.";
    return out;
  }
  if (local.size() > 64) {
    out.reason = "The email address is too long before the @-sign.";
    return out;
  }
  if (text.size() > 254) {
    out.reason = "The email address is too long.";
    return out;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    out.reason = "The email address contains invalid dots before the @-sign.";
    return out;
  }
  for (char ch : local) {
    if (!is_atext(static_cast<unsigned char>(ch))) {
      out.reason = "The email address contains invalid characters before the @-sign.";
      return out;
    }
  }
  std::string lowered(domain);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered.find('.') == std::string::npos) {
    out.reason = "The part after the @-sign is not valid. It should have a period.";
    return out;
  }
  std::size_t start = 0;
  std::string_view last;
  while (true) {
    const auto dot = lowered.find('.', start);
    const std::string_view label = std::string_view(lowered).substr(start, dot - start);
    if (!valid_label(label)) {
      out.reason = "The part after the @-sign is not valid.";
      return out;
    }
    last = label;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!std::any_of(last.begin(), last.end(),
                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
    out.reason = "The part after the @-sign is not valid.";
    return out;
  }
  out.normalized = std::string(local) + "@" + lowered;
  return out;
}

}  // namespace gatehouse
