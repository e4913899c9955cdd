#include "core/email_address.hpp"

#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>

namespace gatehouse {

namespace {

bool is_atext(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
  return kSpecials.find(static_cast<char>(c)) != std::string_view::npos || c >= 0x80;
}

// Labels are checked in their ASCII form: internationalised domains are A-labels by then.
bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '-';
  });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A domain IDNA must see: one with a non-ASCII character, or an ASCII one holding an A-label
// ("xn--", any case) that must decode to a valid U-label.
bool needs_idna(std::string_view domain) {
  if (std::any_of(domain.begin(), domain.end(),
                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return true;
  }
  const std::string lowered = ascii_lower(domain);
  return lowered.starts_with("xn--") || lowered.find(".xn--") != std::string::npos;
}

struct IdnFree {
  void operator()(char* p) const { idn2_free(p); }
};
using IdnString = std::unique_ptr<char, IdnFree>;

constexpr int kIdnaFlags = IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT;

struct IdnaDomain {
  std::string ascii;    // A-labels: what DNS and SMTP see
  std::string unicode;  // U-labels: what is stored and shown
  std::string error;    // set when IDNA refuses the domain
};

// IDNA2008 with UTS #46 non-transitional mapping (as browsers and email-validator): NFC,
// case folding ("EXÄMPLE" -> "exämple"), full-width forms and the ideographic full stop
// mapped, disallowed code points, bad Punycode, CONTEXTJ/bidi violations refused.
IdnaDomain idna_domain(std::string_view domain) {
  IdnaDomain out;
  const std::string input(domain);
  char* raw = nullptr;
  int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(input.c_str()),
                          reinterpret_cast<std::uint8_t**>(&raw), kIdnaFlags);
  IdnString ascii(raw);
  if (rc != IDN2_OK) {
    out.error = idn2_strerror(rc);
    return out;
  }
  raw = nullptr;
  rc = idn2_to_unicode_8z8z(ascii.get(), &raw, 0);
  IdnString unicode(raw);
  if (rc != IDN2_OK) {
    out.error = idn2_strerror(rc);
    return out;
  }
  out.ascii = ascii.get();
  out.unicode = unicode.get();
  return out;
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
  // `lowered` is the ASCII form the label rules check; `stored` the form kept (U-labels for
  // an internationalised domain, so "exämple.com" and "xn--exmple-cua.com" are one address).
  std::string lowered;
  std::string stored;
  if (needs_idna(domain)) {
    IdnaDomain idna = idna_domain(domain);
    if (!idna.error.empty()) {
      out.reason = "The part after the @-sign is not valid IDNA (" + idna.error + ").";
      return out;
    }
    lowered = std::move(idna.ascii);
    stored = std::move(idna.unicode);
    if (local.size() + 1 + lowered.size() > 254) {
      out.reason = "The email address is too long.";
      return out;
    }
  } else {
    lowered = ascii_lower(domain);
    stored = lowered;
  }
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
  out.normalized = std::string(local) + "@" + stored;
  return out;
}

std::string email_with_ascii_domain(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return std::string(email);
  const std::string_view domain = email.substr(at + 1);
  if (!needs_idna(domain)) return std::string(email);
  IdnaDomain idna = idna_domain(domain);
  if (!idna.error.empty()) return std::string(email);
  return std::string(email.substr(0, at + 1)) + idna.ascii;
}

}  // namespace gatehouse
