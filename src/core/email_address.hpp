#pragma once
// Email address syntax as the reference's email-validator checks it (no deliverability
// lookup): one @, a local part of allowed characters (at most 64), a domain of at least two
// DNS labels with an alphabetic top-level label. Normalisation lower-cases the domain and
// keeps the local part's case, as email-validator does.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

struct EmailCheck {
  std::optional<std::string> normalized;  // set when valid
  std::string reason;                     // why not, in email-validator's words
};

EmailCheck check_email(std::string_view text);

}  // namespace gatehouse
