#include "mail/file_sender.hpp"
#include "mail/mail_sender.hpp"
#include "mail/smtp_sender.hpp"

namespace gatehouse::mail {

MailSenderPtr make_mail_sender(const config::MailSettings& settings, Clock clock) {
  if (!settings.server.empty()) return std::make_unique<SmtpSender>(settings, std::move(clock));
  return std::make_unique<FileSender>(settings.file_dir, Mailbox{settings.from, settings.from_name},
                                      std::move(clock));
}

}  // namespace gatehouse::mail
