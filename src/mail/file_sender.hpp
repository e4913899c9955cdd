#pragma once
// FileSender: the development mail sink (MAIL_SERVER unset). Each message becomes an
// RFC 5322 file <dir>/<YYYYMMDDTHHMMSS.ffffffZ>-<8 hex>.eml, created with mode 0600
// (bodies hold verification and reset tokens); the folder is created (0700) when missing.
// One EMAIL-category INFO line per message names recipient, subject and file, never the
// body. Safe for concurrent use.
#include <string>

#include "mail/mail_sender.hpp"
#include "mail/mime.hpp"

namespace gatehouse::mail {

class FileSender final : public MailSender {
 public:
  // `from.address` empty: "gatehouse@localhost" (development needs no MAIL_FROM).
  FileSender(std::string dir, Mailbox from, Clock clock = store::now_utc);

  // MailSender
  // Errors: kBadRequest for an invalid recipient; kInternal when the folder or the file
  // cannot be created or written (the cause names the path and the OS error).
  Status send(const EmailMessage& message) override;

 private:
  std::string dir_;
  Mailbox from_;
  Clock clock_;
};

}  // namespace gatehouse::mail
