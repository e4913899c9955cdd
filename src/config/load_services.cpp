// Loaders of the mail, admin pages and API metadata settings.
#include <filesystem>

#include "config/sections.hpp"
#include "config/text.hpp"
#include "config/values.hpp"

namespace gatehouse::config::detail {

namespace {

void read_name_url(VariableReader& r, std::string_view name, std::string& out_name,
                   std::string& out_url) {
  if (!r.has_value(name)) return;
  if (const auto v = parse_name_url_json(*r.find(name))) {
    out_name = v->name;
    out_url = v->url;
  } else {
    r.error(std::string(name) +
            ": must be a JSON object such as {\"name\": \"...\", \"url\": \"https://...\"}");
  }
}

}  // namespace

void load_mail(VariableReader& r, MailSettings& s, const std::string& data_dir) {
  r.read_string("MAIL_USERNAME", s.username);
  r.read_string("MAIL_PASSWORD", s.password);
  r.read_string("MAIL_FROM", s.from);
  r.read_int("MAIL_PORT", 1, 65535, s.port);
  r.read_string("MAIL_SERVER", s.server);
  r.read_string("MAIL_FROM_NAME", s.from_name);
  r.read_bool("MAIL_STARTTLS", s.starttls);
  r.read_bool("MAIL_SSL_TLS", s.ssl_tls);
  r.read_bool("MAIL_USE_CREDENTIALS", s.use_credentials);
  r.read_bool("MAIL_VALIDATE_CERTS", s.validate_certs);
  s.file_dir = (std::filesystem::path(data_dir) / "mail").string();
  if (r.has_value("MAIL_FILE_DIR")) s.file_dir = *r.find("MAIL_FILE_DIR");
}

void load_admin_pages(VariableReader& r, AdminPagesSettings& s) {
  r.read_bool("ADMIN_PAGES_ENABLED", s.enabled);
  if (const std::string* raw = r.find("ADMIN_PAGES_ROUTE")) {
    if (raw->empty() || raw->front() != '/') {
      r.invalid("ADMIN_PAGES_ROUTE", "must start with \"/\"", *raw);
    } else {
      s.route = *raw;
    }
  }
  r.read_string("ADMIN_PAGES_TITLE", s.title);
  r.read_string("ADMIN_PAGES_ENCRYPTION_KEY", s.encryption_key);
  r.read_int("ADMIN_PAGES_TIMEOUT", 60, 31536000, s.timeout_seconds);
}

void load_metadata(VariableReader& r, MetadataSettings& s) {
  r.read_string("API_TITLE", s.title);
  r.read_string("API_DESCRIPTION", s.description);
  r.read_string("REPOSITORY", s.repository);
  read_name_url(r, "CONTACT", s.contact_name, s.contact_url);
  read_name_url(r, "LICENSE_INFO", s.license_name, s.license_url);
  r.read_string("YEAR", s.year);
}

}  // namespace gatehouse::config::detail
