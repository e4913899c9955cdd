// Declarations of the mail, admin pages and API metadata settings.
#include <filesystem>

#include "config/sections.hpp"
#include "config/values.hpp"

namespace gatehouse::config::detail {

namespace {

void default_mail_dir(VariableReader&, Settings& s) {
  if (s.mail.file_dir.empty()) {
    s.mail.file_dir = (std::filesystem::path(s.data_dir) / "mail").string();
  }
}

void parse_route(VariableReader& r, std::string_view name, const std::string& raw,
                 std::string& out) {
  if (raw.empty() || raw.front() != '/') {
    r.invalid(name, "must start with \"/\"", raw);
  } else {
    out = raw;
  }
}

// An empty value counts as not set.
void parse_name_url(VariableReader& r, std::string_view name, const std::string& raw,
                    std::string& out_name, std::string& out_url) {
  if (raw.empty()) return;
  if (const auto v = parse_name_url_json(raw)) {
    out_name = v->name;
    out_url = v->url;
  } else {
    r.error(std::string(name) +
            ": must be a JSON object such as {\"name\": \"...\", \"url\": \"https://...\"}");
  }
}

// A {"name","url"} JSON object kept in two fields.
SettingSpec name_url(const Section<MetadataSettings>& m, std::string_view name,
                     std::string MetadataSettings::*name_field,
                     std::string MetadataSettings::*url_field, std::string_view doc) {
  return m.custom(
      name,
      [=](VariableReader& r, std::string_view n, const std::string& raw, MetadataSettings& s) {
        parse_name_url(r, n, raw, s.*name_field, s.*url_field);
      },
      [=](const MetadataSettings& s) {
        return name_url_json({s.*name_field, s.*url_field});
      },
      "JSON `{\"name\": \"…\", \"url\": \"…\"}`", doc);
}

}  // namespace

SettingGroup mail_group() {
  const Section<MailSettings> m(&Settings::mail);
  return {"Mail",
          {
              m.text("MAIL_USERNAME", &MailSettings::username, "SMTP user"),
              m.text("MAIL_PASSWORD", &MailSettings::password, "SMTP password").secret(),
              m.text("MAIL_FROM", &MailSettings::from, "sender address"),
              m.integer("MAIL_PORT", &MailSettings::port, 1, 65535, "SMTP port"),
              m.text("MAIL_SERVER", &MailSettings::server,
                     "SMTP server; empty = write `.eml` files to `MAIL_FILE_DIR`"),
              m.text("MAIL_FROM_NAME", &MailSettings::from_name, "sender name"),
              m.flag("MAIL_STARTTLS", &MailSettings::starttls, "upgrade with STARTTLS"),
              m.flag("MAIL_SSL_TLS", &MailSettings::ssl_tls, "connect with TLS"),
              m.flag("MAIL_USE_CREDENTIALS", &MailSettings::use_credentials,
                     "log in with `MAIL_USERNAME`/`MAIL_PASSWORD`"),
              m.flag("MAIL_VALIDATE_CERTS", &MailSettings::validate_certs,
                     "check the server's certificate"),
              m.parsed("MAIL_FILE_DIR", &MailSettings::file_dir, parse_nonempty, "",
                       "new; where `.eml` files go without `MAIL_SERVER`")
                  .default_is("`<DATA_DIR>/mail`"),
          },
          default_mail_dir};
}

SettingGroup admin_pages_group() {
  const Section<AdminPagesSettings> a(&Settings::admin_pages);
  return {"Admin pages",
          {
              a.flag("ADMIN_PAGES_ENABLED", &AdminPagesSettings::enabled,
                     "accepted from the template, not used yet"),
              a.parsed("ADMIN_PAGES_ROUTE", &AdminPagesSettings::route, parse_route, "`/…`",
                       "accepted from the template, not used yet"),
              a.text("ADMIN_PAGES_TITLE", &AdminPagesSettings::title,
                     "accepted from the template, not used yet"),
              a.text("ADMIN_PAGES_ENCRYPTION_KEY", &AdminPagesSettings::encryption_key,
                     "accepted from the template, not used yet")
                  .secret(),
              a.integer("ADMIN_PAGES_TIMEOUT", &AdminPagesSettings::timeout_seconds, 60, 31536000,
                        "seconds; accepted from the template, not used yet"),
          }};
}

SettingGroup metadata_group() {
  const Section<MetadataSettings> m(&Settings::metadata);
  return {"API metadata",
          {
              m.text("API_TITLE", &MetadataSettings::title,
                     "title of the page at `/`; in lower snake case the metrics namespace"),
              m.text("API_DESCRIPTION", &MetadataSettings::description, "shown on the page at `/`"),
              m.text("REPOSITORY", &MetadataSettings::repository, "shown at `/`"),
              name_url(m, "CONTACT", &MetadataSettings::contact_name,
                       &MetadataSettings::contact_url, "author and website shown at `/`"),
              name_url(m, "LICENSE_INFO", &MetadataSettings::license_name,
                       &MetadataSettings::license_url, "accepted from the template, not used yet"),
              m.text("YEAR", &MetadataSettings::year, "shown at `/`"),
          }};
}

}  // namespace gatehouse::config::detail
