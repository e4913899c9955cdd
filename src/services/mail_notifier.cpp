#include "services/mail_notifier.hpp"

#include "observability/log.hpp"

namespace gatehouse::services {

namespace {

mail::Recipient full_name(const store::User& u) {
  return {u.email, u.first_name + " " + u.last_name};
}

}  // namespace

MailNotifier::MailNotifier(const mail::Composer& composer, mail::Mailer& mailer, Clock clock)
    : composer_(composer), mailer_(mailer), clock_(std::move(clock)) {}

void MailNotifier::send(const mail::EmailMessage& message, const char* what) {
  if (Status s = mailer_.enqueue(message); !s) {
    obs::error(obs::Category::kEmail, "could not queue the {} email: {}", what, s.error().cause);
  }
}

void MailNotifier::welcome(const store::User& user, const std::string& verify_token) {
  send(composer_.welcome(full_name(user), verify_token), "welcome");
}

void MailNotifier::register_attempt(const store::User& user) {
  send(composer_.register_attempt(full_name(user)), "register attempt");
}

void MailNotifier::password_reset(const store::User& user, const std::string& reset_token) {
  send(composer_.password_reset({user.email, user.first_name}, reset_token), "password reset");
}

void MailNotifier::password_changed(const store::User& user) {
  send(composer_.password_changed(full_name(user), clock_()), "password changed");
}

void MailNotifier::email_changed(const store::User& user, const std::string& old_email,
                                 const std::string& verify_token) {
  send(composer_.email_changed_old({old_email, user.first_name + " " + user.last_name}, user.email,
                                   clock_()),
       "email changed (old address)");
  send(composer_.email_changed_new(full_name(user), verify_token), "email changed (new address)");
}

void MailNotifier::banned(const store::User& user) {
  send(composer_.banned(full_name(user), user.ban_reason, user.banned_until), "banned");
}

void MailNotifier::unbanned(const store::User& user) {
  send(composer_.unbanned(full_name(user)), "unbanned");
}

void MailNotifier::account_locked(const store::User& user) {
  send(composer_.account_locked(full_name(user), user.locked_until.value_or(clock_())),
       "account locked");
}

void MailNotifier::mfa_enabled(const store::User& user) {
  send(composer_.mfa_enabled(full_name(user), clock_()), "two-factor enabled");
}

void MailNotifier::mfa_disabled(const store::User& user) {
  send(composer_.mfa_disabled(full_name(user), clock_()), "two-factor disabled");
}

void MailNotifier::mfa_recovery_code_used(const store::User& user, int remaining) {
  send(composer_.mfa_recovery_code_used(full_name(user), clock_(), remaining),
       "recovery code used");
}

}  // namespace gatehouse::services
