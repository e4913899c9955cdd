#pragma once
// EmailMessage: one fully rendered email, as the Composer builds it, the outbox stores it
// and a MailSender delivers it. The outbox payload is its JSON form (kind "email").
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace gatehouse::mail {

// OutboxMessage::kind of emails.
inline constexpr std::string_view kEmailOutboxKind = "email";

struct EmailMessage {
  std::string to_address;  // bare address, e.g. "jane@example.com"
  std::string to_name;     // display name, may be empty or non-ASCII (UTF-8)
  std::string subject;     // UTF-8, one line
  std::string html;        // text/html part (UTF-8)
  std::string text;        // text/plain part (UTF-8)
};

// JSON text {"to_address","to_name","subject","html","text"} for the outbox.
std::string to_payload(const EmailMessage& message);

// Parses what to_payload produces. Errors (ErrorCode::kInternal): not JSON, not an object,
// a field missing or not a string, or an empty to_address. Unknown fields are ignored so an
// older worker can read a newer payload.
Result<EmailMessage> parse_payload(std::string_view payload);

}  // namespace gatehouse::mail
