#pragma once
// Notifier over the mail outbox: composes each message and queues it. A failure to queue
// is logged, never returned: account flows must not fail because mail is down.
#include "mail/composer.hpp"
#include "mail/mailer.hpp"
#include "services/clock.hpp"
#include "services/notifier.hpp"

namespace gatehouse::services {

class MailNotifier final : public Notifier {
 public:
  MailNotifier(const mail::Composer& composer, mail::Mailer& mailer, Clock clock);

  // Notifier
  void welcome(const store::User& user, const std::string& verify_token) override;
  void register_attempt(const store::User& user) override;
  void password_reset(const store::User& user, const std::string& reset_token) override;
  void password_changed(const store::User& user) override;
  void email_changed(const store::User& user, const std::string& old_email,
                     const std::string& verify_token) override;
  void banned(const store::User& user) override;
  void unbanned(const store::User& user) override;
  void account_locked(const store::User& user) override;
  void mfa_enabled(const store::User& user) override;
  void mfa_disabled(const store::User& user) override;
  void mfa_recovery_code_used(const store::User& user, int remaining) override;

 private:
  void send(const mail::EmailMessage& message, const char* what);

  const mail::Composer& composer_;
  mail::Mailer& mailer_;
  Clock clock_;
};

}  // namespace gatehouse::services
