#pragma once
// Email address syntax as the reference's email-validator checks it (no deliverability
// lookup): one @, a local part of allowed characters (at most 64), a domain of at least two
// DNS labels with an alphabetic top-level label. Normalisation lower-cases the domain and
// keeps the local part's case, as email-validator does.
//
// Internationalised domains go through IDNA2008 with UTS #46 (libidn2, non-transitional):
// "user@EXÄMPLE.com", "user@exämple.com" and "user@xn--exmple-cua.com" all normalise to
// "user@exämple.com" — the Unicode (U-label) form, as email-validator's `normalized` and so
// the reference store it. A domain IDNA refuses is invalid like any other. Mail goes to
// email_with_ascii_domain(), the A-label form every mail server accepts.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

struct EmailCheck {
  std::optional<std::string> normalized;  // set when valid
  std::string reason;                     // why not, in email-validator's words
};

EmailCheck check_email(std::string_view text);

// `email` (a normalised address) with its domain in ASCII (A-label) form, for To: and RCPT TO:
// "user@exämple.com" -> "user@xn--exmple-cua.com". An ASCII domain, or one IDNA refuses
// (never a normalised one), is returned unchanged. The local part is never changed.
std::string email_with_ascii_domain(std::string_view email);

}  // namespace gatehouse
