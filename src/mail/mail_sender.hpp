#pragma once
// MailSender: delivers one rendered email. Implementations: SmtpSender (MAIL_SERVER set,
// libcurl) and FileSender (.eml files in MAIL_FILE_DIR). Called by the outbox worker, never
// on a request's path. An implementation may block (network I/O) but must not throw; errors
// are values, and their text never contains MAIL_PASSWORD or the message body.
#include <memory>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "mail/clock.hpp"
#include "mail/message.hpp"

namespace gatehouse::mail {

class MailSender {
 public:
  virtual ~MailSender() = default;

  // Delivers `message`. ok() once the server (or the file system) has accepted it; an
  // Error (ErrorCode::kInvalidInput for a message that can never be sent, such as an invalid
  // address; kUnavailable for a transient failure; kInternal otherwise) when not.
  virtual Status send(const EmailMessage& message) = 0;
};

using MailSenderPtr = std::unique_ptr<MailSender>;

// SmtpSender when settings.server is set, FileSender into settings.file_dir otherwise.
MailSenderPtr make_mail_sender(const config::MailSettings& settings, Clock clock = store::now_utc);

}  // namespace gatehouse::mail
