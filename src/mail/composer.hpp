#pragma once
// Composer: renders the emails of docs/http-api.md §11 from templates/email/<name>.html and .txt
// (embedded, or TEMPLATES_DIR). HTML parts escape every variable (core/html_template);
// text parts insert values as plain single-line text (mail/text_template).
//
// Variables every template gets: application (API_TITLE), name (the greeting name: the
// recipient's name, or the address when it has none), email (the recipient address) and
// base_url. Per message: link (verification or reset URL) plus the reference's
// verification / reset_token, new_email, when, until, duration, reason_sentence.
//
// Links are exactly BASE_URL + API_ROOT + "/verify/?code=" + token and
// "/reset-password/?code=" + token (docs/http-api.md §4), the token percent-encoded; one trailing
// '/' of BASE_URL is dropped so "https://x/" does not give "https://x//verify/".
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "mail/message.hpp"
#include "store/time.hpp"

namespace gatehouse::mail {

struct Recipient {
  std::string email;
  std::string name;  // display name ("First Last", or the first name); may be empty
};

struct ComposerOptions {
  std::string application;    // API_TITLE
  std::string base_url;       // BASE_URL
  std::string api_root;       // API_ROOT ("" or "/api/v1")
  std::string templates_dir;  // TEMPLATES_DIR ("" = embedded templates)
};

ComposerOptions composer_options(const config::Settings& settings);

class Composer {
 public:
  // Loads every template once. Error (ErrorCode::kInternal) naming the first missing file,
  // e.g. with a TEMPLATES_DIR that has no email/ folder: call it at start-up and refuse to
  // serve, rather than fail on the first email.
  static Result<Composer> create(ComposerOptions options);

  // Registration of a new address: welcome with the verification link.
  EmailMessage welcome(const Recipient& to, std::string_view verify_token) const;
  // Registration with an address that already has an account. Carries no token or link.
  EmailMessage register_attempt(const Recipient& to) const;
  EmailMessage password_reset(const Recipient& to, std::string_view reset_token) const;
  EmailMessage password_changed(const Recipient& to, store::Timestamp at) const;
  // To the previous address after an email change; mentions the new address.
  EmailMessage email_changed_old(const Recipient& old_address, std::string_view new_email,
                                 store::Timestamp at) const;
  // To the new address after an email change, with a verification link.
  EmailMessage email_changed_new(const Recipient& to, std::string_view verify_token) const;
  // `reason` empty or nullopt: none given; `until` nullopt: until further notice.
  EmailMessage banned(const Recipient& to, const std::optional<std::string>& reason,
                      std::optional<store::Timestamp> until) const;
  EmailMessage unbanned(const Recipient& to) const;
  EmailMessage account_locked(const Recipient& to, store::Timestamp until) const;
  EmailMessage mfa_enabled(const Recipient& to, store::Timestamp at) const;
  EmailMessage mfa_disabled(const Recipient& to, store::Timestamp at) const;
  // A sign-in used a recovery code; `remaining` codes are left.
  EmailMessage mfa_recovery_code_used(const Recipient& to, store::Timestamp at,
                                      int remaining) const;

  std::string verify_link(std::string_view token) const;
  std::string reset_link(std::string_view token) const;

 private:
  struct Template {
    std::string subject;  // text template
    std::string html;
    std::string text;
  };
  using Vars = std::map<std::string, std::string>;

  Composer(ComposerOptions options, std::map<std::string, Template, std::less<>> templates);
  EmailMessage render(std::string_view name, const Recipient& to, Vars vars) const;

  ComposerOptions options_;
  std::map<std::string, Template, std::less<>> templates_;
};

// "2026-11-29 17:05 UTC": how times appear in emails.
std::string format_email_time(store::Timestamp t);

// RFC 3986 percent-encoding of everything but the unreserved characters A-Z a-z 0-9 - . _ ~
std::string url_encode_component(std::string_view s);

}  // namespace gatehouse::mail
