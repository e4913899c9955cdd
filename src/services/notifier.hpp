#pragma once
// Notifier: the emails the account flows send. Implemented over the mail outbox
// (services/mail_notifier); a send is queued, never awaited, and never fails a request.
#include <optional>
#include <string>

#include "store/user_repository.hpp"

namespace gatehouse::services {

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void welcome(const store::User& user, const std::string& verify_token) = 0;
  virtual void register_attempt(const store::User& user) = 0;
  virtual void password_reset(const store::User& user, const std::string& reset_token) = 0;
  virtual void password_changed(const store::User& user) = 0;
  virtual void email_changed(const store::User& user, const std::string& old_email,
                             const std::string& verify_token) = 0;
  virtual void banned(const store::User& user) = 0;
  virtual void unbanned(const store::User& user) = 0;
  virtual void account_locked(const store::User& user) = 0;
  virtual void mfa_enabled(const store::User& user) = 0;
  virtual void mfa_disabled(const store::User& user) = 0;
  // A sign-in used one of the user's recovery codes; `remaining` are left.
  virtual void mfa_recovery_code_used(const store::User& user, int remaining) = 0;
};

}  // namespace gatehouse::services
