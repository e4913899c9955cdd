#include "mail/composer.hpp"

#include <array>
#include <chrono>
#include <utility>

#include <fmt/core.h>

#include "core/email_address.hpp"
#include "core/html_template.hpp"
#include "core/percent.hpp"
#include "mail/template_source.hpp"
#include "mail/text_template.hpp"

namespace gatehouse::mail {

namespace {

struct Kind {
  std::string_view name;     // templates/email/<name>.html and .txt
  std::string_view subject;  // text template
};

constexpr std::array<Kind, 12> kKinds{{
    {"welcome", "Welcome to {{ application }}!"},
    {"register_attempt", "{{ application }} - Registration attempt"},
    {"password_reset", "{{ application }} - Password Reset"},
    {"password_changed", "{{ application }} - Your password was changed"},
    {"email_changed_old", "{{ application }} - Your email address was changed"},
    {"email_changed_new", "{{ application }} - Verify your new email address"},
    {"banned", "{{ application }} - Your account has been suspended"},
    {"unbanned", "{{ application }} - Your account has been restored"},
    {"account_locked", "{{ application }} - Your account has been locked"},
    {"mfa_enabled", "{{ application }} - Two-factor authentication enabled"},
    {"mfa_disabled", "{{ application }} - Two-factor authentication disabled"},
    {"mfa_recovery_code_used", "{{ application }} - A recovery code was used"},
}};

}  // namespace

ComposerOptions composer_options(const config::Settings& settings) {
  return {settings.metadata.title, settings.base_url, settings.api_root, settings.templates_dir};
}

Result<Composer> Composer::create(ComposerOptions options) {
  const TemplateSource source(options.templates_dir);
  std::map<std::string, Template, std::less<>> templates;
  for (const Kind& kind : kKinds) {
    Template t{std::string(kind.subject), {}, {}};
    for (auto [ext, out] : {std::pair{".html", &t.html}, std::pair{".txt", &t.text}}) {
      const std::string path = "email/" + std::string(kind.name) + ext;
      auto text = source.text(path);
      if (!text) {
        return Error::internal("email template " + path + " not found" +
                               (options.templates_dir.empty()
                                    ? std::string(" among the embedded templates")
                                    : " in TEMPLATES_DIR " + options.templates_dir));
      }
      *out = std::move(*text);
    }
    templates.emplace(std::string(kind.name), std::move(t));
  }
  if (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  return Composer(std::move(options), std::move(templates));
}

Composer::Composer(ComposerOptions options, std::map<std::string, Template, std::less<>> templates)
    : options_(std::move(options)), templates_(std::move(templates)) {}

EmailMessage Composer::render(std::string_view name, const Recipient& to, Vars vars) const {
  const Template& t = templates_.find(name)->second;  // every kind is loaded by create()
  vars["application"] = options_.application;
  vars["name"] = to.name.empty() ? to.email : to.name;
  vars["email"] = to.email;
  vars["user"] = to.email;  // the reference's name for it
  vars["base_url"] = options_.base_url;
  EmailMessage m;
  // The address as stored keeps an internationalised domain in Unicode; headers and the SMTP
  // envelope get its A-label form, which needs no SMTPUTF8 on the way.
  m.to_address = single_line(email_with_ascii_domain(to.email));
  m.to_name = single_line(to.name);
  m.subject = render_text_template(t.subject, vars);
  m.html = render_template(t.html, vars);
  m.text = render_text_template(t.text, vars);
  return m;
}

std::string Composer::verify_link(std::string_view token) const {
  return options_.base_url + options_.api_root + "/verify/?code=" + url_encode_component(token);
}

std::string Composer::reset_link(std::string_view token) const {
  return options_.base_url + options_.api_root +
         "/reset-password/?code=" + url_encode_component(token);
}

EmailMessage Composer::welcome(const Recipient& to, std::string_view verify_token) const {
  return render("welcome", to,
                {{"link", verify_link(verify_token)}, {"verification", std::string(verify_token)}});
}

EmailMessage Composer::register_attempt(const Recipient& to) const {
  return render("register_attempt", to, {});
}

EmailMessage Composer::password_reset(const Recipient& to, std::string_view reset_token) const {
  return render("password_reset", to,
                {{"link", reset_link(reset_token)}, {"reset_token", std::string(reset_token)}});
}

EmailMessage Composer::password_changed(const Recipient& to, store::Timestamp at) const {
  return render("password_changed", to, {{"when", format_email_time(at)}});
}

EmailMessage Composer::email_changed_old(const Recipient& old_address, std::string_view new_email,
                                         store::Timestamp at) const {
  return render("email_changed_old", old_address,
                {{"new_email", std::string(new_email)}, {"when", format_email_time(at)}});
}

EmailMessage Composer::email_changed_new(const Recipient& to, std::string_view verify_token) const {
  return render("email_changed_new", to,
                {{"link", verify_link(verify_token)}, {"verification", std::string(verify_token)}});
}

EmailMessage Composer::banned(const Recipient& to, const std::optional<std::string>& reason,
                              std::optional<store::Timestamp> until) const {
  const bool has_reason = reason && !reason->empty();
  return render(
      "banned", to,
      {{"duration", until ? "until " + format_email_time(*until) : "until further notice"},
       {"until", until ? format_email_time(*until) : ""},
       {"reason", has_reason ? *reason : ""},
       {"reason_sentence", has_reason ? "Reason given: " + *reason : "No reason was given."}});
}

EmailMessage Composer::unbanned(const Recipient& to) const { return render("unbanned", to, {}); }

EmailMessage Composer::account_locked(const Recipient& to, store::Timestamp until) const {
  return render("account_locked", to, {{"until", format_email_time(until)}});
}

EmailMessage Composer::mfa_enabled(const Recipient& to, store::Timestamp at) const {
  return render("mfa_enabled", to, {{"when", format_email_time(at)}});
}

EmailMessage Composer::mfa_disabled(const Recipient& to, store::Timestamp at) const {
  return render("mfa_disabled", to, {{"when", format_email_time(at)}});
}

EmailMessage Composer::mfa_recovery_code_used(const Recipient& to, store::Timestamp at,
                                              int remaining) const {
  return render("mfa_recovery_code_used", to,
                {{"when", format_email_time(at)}, {"remaining", std::to_string(remaining)}});
}

std::string format_email_time(store::Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::minutes>(t - day));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count());
}

std::string url_encode_component(std::string_view s) { return percent_encode(s); }

}  // namespace gatehouse::mail
