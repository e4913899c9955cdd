#pragma once
// RFC 5322 / MIME rendering of an EmailMessage: headers (Date, From, To, Subject,
// Message-ID, MIME-Version, Auto-Submitted) and a multipart/alternative body with the text
// part first and the HTML part second. Lines end in CRLF. Non-ASCII display names and
// subjects are RFC 2047 encoded words (UTF-8, base64); a part is sent 7bit when it is ASCII
// with lines of at most 998 octets, quoted-printable otherwise. SMTP dot-stuffing is the
// transport's job (libcurl does it), so the output is the message as it should be stored.
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "mail/message.hpp"
#include "store/time.hpp"

namespace gatehouse::mail {

struct Mailbox {
  std::string address;  // "noreply@example.com"
  std::string name;     // display name, may be empty
};

// The complete message. Errors (ErrorCode::kInvalidInput): an address that is empty or holds
// whitespace, control characters, '<' or '>', or has no '@'.
Result<std::string> build_mime_message(const EmailMessage& message, const Mailbox& from,
                                       store::Timestamp date, std::string_view message_id);

// "<uuid@domain>" with the domain of `from_address` ("localhost" when it has none).
std::string new_message_id(std::string_view from_address);

// True when `address` is usable in a header and an SMTP envelope (see build_mime_message).
bool valid_address(std::string_view address);

// "Sun, 29 Nov 2026 17:00:00 +0000".
std::string format_rfc5322_date(store::Timestamp t);

// An unstructured header value (Subject): as is when printable ASCII, otherwise RFC 2047
// encoded words of at most 75 characters, folded with CRLF SP, never splitting a UTF-8
// character. Control characters become spaces first.
std::string encode_header_text(std::string_view value);

// "Name <address>" for a header: the name as is when it is plain atext, quoted when it has
// specials, RFC 2047 encoded when it is not ASCII; just "<address>"'s address when empty.
std::string format_mailbox(const Mailbox& mailbox);

// Quoted-printable (RFC 2045) of `text` whose lines end in LF or CRLF; output lines end in
// CRLF and are at most 76 characters.
std::string encode_quoted_printable(std::string_view text);

}  // namespace gatehouse::mail
