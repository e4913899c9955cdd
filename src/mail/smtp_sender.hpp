#pragma once
// SmtpSender: delivers through an SMTP server with libcurl (docs/http-api.md §11).
//   MAIL_SSL_TLS     smtps:// (TLS from the first byte, usually port 465)
//   MAIL_STARTTLS    smtp:// upgraded with STARTTLS, required (CURLUSESSL_ALL)
//   neither          plain smtp:// (local relays and test sinks only)
//   MAIL_USE_CREDENTIALS with a MAIL_USERNAME: AUTH with MAIL_USERNAME / MAIL_PASSWORD
//   MAIL_VALIDATE_CERTS=false: the server certificate and host name are not checked
// The envelope sender is MAIL_FROM; the From header "MAIL_FROM_NAME <MAIL_FROM>".
// Timeouts: 10 s to connect, 60 s for the whole exchange, so a dead server costs a worker
// at most a minute per message. One connection per message (emails are rare).
// Safe for concurrent use (each send has its own curl handle).
#include <chrono>
#include <string>

#include "mail/mail_sender.hpp"
#include "mail/mime.hpp"

namespace gatehouse::mail {

struct SmtpOptions {
  std::string server;  // host name or address (IPv6 without brackets)
  int port = 587;
  bool starttls = true;
  bool ssl_tls = false;
  std::string username;  // empty: no AUTH
  std::string password;
  bool validate_certs = true;
  Mailbox from;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{60};
};

// MAIL_* settings as SmtpOptions (credentials only when MAIL_USE_CREDENTIALS).
SmtpOptions smtp_options(const config::MailSettings& settings);

class SmtpSender final : public MailSender {
 public:
  explicit SmtpSender(SmtpOptions options, Clock clock = store::now_utc);
  SmtpSender(const config::MailSettings& settings, Clock clock = store::now_utc);

  // MailSender
  // Errors: kBadRequest for an invalid recipient or MAIL_FROM (never sendable);
  // kUnavailable when the server cannot be reached or refuses (the cause has the URL,
  // curl's message and the last SMTP reply code, never the password or the body).
  Status send(const EmailMessage& message) override;

  // "smtp://host:port" or "smtps://host:port".
  std::string url() const;

 private:
  SmtpOptions options_;
  Clock clock_;
};

}  // namespace gatehouse::mail
