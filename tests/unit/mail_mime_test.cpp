// MIME rendering (RFC 5322, RFC 2045 quoted-printable, RFC 2047 encoded words) and the
// outbox payload of EmailMessage.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mail/message.hpp"
#include "mail/mime.hpp"

namespace gatehouse::mail {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> crlf_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    const auto end = s.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "unterminated line at " << start;
    if (end == std::string::npos) break;
    out.push_back(s.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

std::string base64_decode(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    buffer = buffer << 6 | static_cast<unsigned>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// Decodes a header made of "=?UTF-8?B?...?=" words separated by folding whitespace.
std::string decode_words(const std::string& header) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto end = header.find("?=", pos + 10);
    out += base64_decode(header.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

TEST(MailPayloadTest, RoundTripsEveryField) {
  const EmailMessage m{"jane@example.com", "Jane \"J\" D\xC3\xB6", "Hi \xE2\x9C\x93",
                       "<p>a&b</p>\n", "line1\nline2\n"};
  const auto parsed = parse_payload(to_payload(m));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->to_address, m.to_address);
  EXPECT_EQ(parsed->to_name, m.to_name);
  EXPECT_EQ(parsed->subject, m.subject);
  EXPECT_EQ(parsed->html, m.html);
  EXPECT_EQ(parsed->text, m.text);
}

TEST(MailPayloadTest, RejectsBrokenPayloads) {
  for (const char* bad : {"", "not json", "[]", "{}", R"({"to_address":"a@b"})",
                          R"({"to_address":"","to_name":"","subject":"","html":"","text":""})",
                          R"({"to_address":1,"to_name":"","subject":"","html":"","text":""})"}) {
    SCOPED_TRACE(bad);
    const auto parsed = parse_payload(bad);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, ErrorCode::kInternal);
  }
  // Unknown fields are ignored.
  EXPECT_TRUE(
      parse_payload(R"({"to_address":"a@b","to_name":"","subject":"","html":"","text":"","v":2})"));
}

TEST(MailMimeTest, DatesAreRfc5322) {
  const store::Timestamp t =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 17h + 5min + 9s + 123456us;
  EXPECT_EQ(format_rfc5322_date(t), "Sun, 29 Nov 2026 17:05:09 +0000");
  EXPECT_EQ(format_rfc5322_date(store::Timestamp{}), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MailMimeTest, AsciiSubjectsStayReadable) {
  EXPECT_EQ(encode_header_text("My App - Password Reset"), "My App - Password Reset");
  EXPECT_EQ(encode_header_text("a\r\nBcc: x"), "a  Bcc: x");
  // Text that looks like an encoded word is encoded, so it is not misread.
  EXPECT_EQ(decode_words(encode_header_text("=?x?=")), "=?x?=");
}

TEST(MailMimeTest, Utf8SubjectsBecomeEncodedWordsOnCharacterBoundaries) {
  std::string subject = "Bienvenue \xC3\xA0 ";
  for (int i = 0; i < 40; ++i) subject += "\xC3\xA9\xE2\x9C\x93";  // é✓, 2+3 bytes
  const std::string encoded = encode_header_text(subject);
  EXPECT_EQ(decode_words(encoded), subject);
  std::size_t pos = 0;
  int words = 0;
  while (pos < encoded.size()) {
    const auto end = encoded.find("\r\n ", pos);
    const std::string word = encoded.substr(pos, end - pos);
    EXPECT_LE(word.size(), 75u);
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    // Each word decodes to whole UTF-8 characters.
    const std::string bytes = base64_decode(word.substr(10, word.size() - 12));
    const auto lead = static_cast<unsigned char>(bytes.front());
    EXPECT_NE(lead & 0xC0, 0x80u);
    ++words;
    if (end == std::string::npos) break;
    pos = end + 3;
  }
  EXPECT_GT(words, 3);
}

TEST(MailMimeTest, MailboxesAreQuotedOrEncodedAsNeeded) {
  EXPECT_EQ(format_mailbox({"a@example.com", ""}), "<a@example.com>");
  EXPECT_EQ(format_mailbox({"a@example.com", "Jane Doe"}), "Jane Doe <a@example.com>");
  EXPECT_EQ(format_mailbox({"a@example.com", "Doe, Jane \"JD\""}),
            "\"Doe, Jane \\\"JD\\\"\" <a@example.com>");
  const std::string encoded = format_mailbox({"a@example.com", "Ren\xC3\xA9"});
  EXPECT_EQ(encoded, "=?UTF-8?B?UmVuw6k=?= <a@example.com>");
}

TEST(MailMimeTest, AddressesAreChecked) {
  EXPECT_TRUE(valid_address("a@example.com"));
  for (const char* bad : {"", "nobody", "a b@example.com", "a@example.com>", "<a@x",
                          "a@example.com\r\nRCPT TO:<b@x>"}) {
    EXPECT_FALSE(valid_address(bad)) << bad;
  }
}

TEST(MailMimeTest, QuotedPrintableKeepsLinesShortAndDecodable) {
  std::string text = "caf\xC3\xA9 = ok \t\n";
  text += std::string(200, 'x') + "\n";
  text += "trailing space \n";
  const std::string qp = encode_quoted_printable(text);
  for (const std::string& line : crlf_lines(qp)) EXPECT_LE(line.size(), 76u) << line;
  EXPECT_EQ(qp.substr(0, qp.find("\r\n")), "caf=C3=A9 =3D ok =09");
  EXPECT_NE(qp.find("trailing space=20\r\n"), std::string::npos);
}

TEST(MailMimeTest, MessageHasHeadersAndTwoParts) {
  const EmailMessage m{"jane@example.com", "Jane", "Hello", "<p>Hi</p>\n", "Hi\n.\nend"};
  const auto mime = build_mime_message(m, {"noreply@example.com", "My App"}, store::Timestamp{},
                                       "<id@example.com>");
  ASSERT_TRUE(mime);
  const auto lines = crlf_lines(*mime);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "Date: Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_NE(mime->find("\r\nFrom: My App <noreply@example.com>\r\n"), std::string::npos);
  EXPECT_NE(mime->find("\r\nTo: Jane <jane@example.com>\r\n"), std::string::npos);
  EXPECT_NE(mime->find("\r\nSubject: Hello\r\n"), std::string::npos);
  EXPECT_NE(mime->find("\r\nMessage-ID: <id@example.com>\r\n"), std::string::npos);
  EXPECT_NE(mime->find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  const auto b = mime->find("boundary=\"");
  ASSERT_NE(b, std::string::npos);
  const std::string boundary = mime->substr(b + 10, mime->find('"', b + 10) - b - 10);
  const std::string text_part = "--" + boundary +
                                "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 7bit\r\n\r\nHi\r\n.\r\nend\r\n";
  const std::string html_part = "--" + boundary +
                                "\r\nContent-Type: text/html; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 7bit\r\n\r\n<p>Hi</p>\r\n";
  const auto t = mime->find(text_part);
  const auto h = mime->find(html_part);
  ASSERT_NE(t, std::string::npos) << *mime;
  ASSERT_NE(h, std::string::npos) << *mime;
  EXPECT_LT(t, h);
  EXPECT_EQ(mime->substr(mime->size() - boundary.size() - 6), "--" + boundary + "--\r\n");
  // No bare LF anywhere.
  for (std::size_t i = 0; i < mime->size(); ++i) {
    if ((*mime)[i] == '\n') {
      ASSERT_TRUE(i > 0 && (*mime)[i - 1] == '\r') << i;
    }
  }
}

TEST(MailMimeTest, InvalidAddressesAreRefused) {
  const EmailMessage m{"bad address", "", "s", "h", "t"};
  const auto mime = build_mime_message(m, {"noreply@example.com", ""}, {}, "<x@y>");
  ASSERT_FALSE(mime);
  EXPECT_EQ(mime.error().code, ErrorCode::kInvalidInput);
  const EmailMessage good{"a@example.com", "", "s", "h", "t"};
  EXPECT_FALSE(build_mime_message(good, {"", ""}, {}, "<x@y>"));
}

TEST(MailMimeTest, MessageIdsUseTheSenderDomain) {
  const std::string id = new_message_id("noreply@mail.example.com");
  EXPECT_EQ(id.front(), '<');
  EXPECT_NE(id.find("@mail.example.com>"), std::string::npos);
  EXPECT_NE(new_message_id("noreply@mail.example.com"), id);
  EXPECT_NE(new_message_id("").find("@localhost>"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::mail
