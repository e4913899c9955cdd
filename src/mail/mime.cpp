#include "mail/mime.hpp"

#include <array>
#include <chrono>

#include <fmt/core.h>

#include "core/ids.hpp"
#include "mail/text_template.hpp"

namespace gatehouse::mail {

namespace {

constexpr std::size_t kMaxLine = 998;         // RFC 5322 hard limit, without CRLF
constexpr std::size_t kMaxEncodedBytes = 45;  // 60 base64 chars + 12 = 72 <= 75 per word

bool is_ascii_printable(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return false;
  }
  return true;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 0x3F]);
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 0x3F]);
    out.push_back(kAlphabet[(n >> 12) & 0x3F]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
  return out;
}

// Length of the longest prefix of `s` of at most `limit` bytes that ends on a UTF-8
// character boundary (at least one byte, so invalid input still makes progress).
std::size_t utf8_prefix(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return s.size();
  std::size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n == 0 ? limit : n;
}

std::string encoded_words(std::string_view value) {
  std::string out;
  while (!value.empty()) {
    const std::size_t n = utf8_prefix(value, kMaxEncodedBytes);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(value.substr(0, n)) + "?=";
    value.remove_prefix(n);
  }
  return out;
}

bool is_atext_phrase(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return s.find("=?") == std::string_view::npos;
}

// Splits on LF (a preceding CR is dropped) and calls fn(line) for each line; a final line
// without LF is passed too when not empty.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const auto lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    if (lf == std::string_view::npos) break;
    text.remove_prefix(lf + 1);
  }
}

bool fits_7bit(std::string_view text) {
  bool ok = true;
  for_each_line(text, [&](std::string_view line) {
    if (line.size() > kMaxLine) ok = false;
    for (const char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if (u == 0 || u > 0x7F || u == '\r') ok = false;
    }
  });
  return ok;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for_each_line(text, [&](std::string_view line) {
    out.append(line);
    out += "\r\n";
  });
  return out;
}

void append_part(std::string& out, std::string_view boundary, std::string_view type,
                 std::string_view body) {
  const bool seven_bit = fits_7bit(body);
  out += fmt::format(
      "--{}\r\nContent-Type: {}; charset=utf-8\r\nContent-Transfer-Encoding: {}\r\n\r\n", boundary,
      type, seven_bit ? "7bit" : "quoted-printable");
  out += seven_bit ? crlf_lines(body) : encode_quoted_printable(body);
}

}  // namespace

bool valid_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  if (address.find('@') == std::string_view::npos) return false;
  for (const char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>') return false;
  }
  return true;
}

std::string format_rfc5322_date(store::Timestamp t) {
  static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::weekday wd(day);
  const std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::seconds>(t - day));
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string new_message_id(std::string_view from_address) {
  const auto at = from_address.rfind('@');
  std::string_view domain =
      at == std::string_view::npos ? std::string_view() : from_address.substr(at + 1);
  if (domain.empty() || !valid_address("x@" + std::string(domain))) domain = "localhost";
  return "<" + new_uuid() + "@" + std::string(domain) + ">";
}

std::string encode_header_text(std::string_view value) {
  std::string clean = single_line(value);
  if (is_ascii_printable(clean) && clean.find("=?") == std::string::npos && clean.size() <= 900) {
    return clean;
  }
  return encoded_words(clean);
}

std::string format_mailbox(const Mailbox& mailbox) {
  const std::string name = single_line(mailbox.name);
  std::string addr = "<" + mailbox.address + ">";
  if (name.empty()) return addr;
  if (is_atext_phrase(name)) return name + " " + addr;
  if (is_ascii_printable(name) && name.size() <= 200) {
    std::string quoted = "\"";
    for (const char c : name) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    return quoted + "\" " + addr;
  }
  return encoded_words(name) + " " + addr;
}

std::string encode_quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 11 / 10);
  for_each_line(text, [&](std::string_view line) {
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto u = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      const bool literal = (u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !last);
      const std::size_t width = literal ? 1 : 3;
      // Soft break: keep every output line at most 76 characters including the '='.
      if (column + width > 75) {
        out += "=\r\n";
        column = 0;
      }
      if (literal) {
        out.push_back(static_cast<char>(u));
      } else {
        out.push_back('=');
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0x0F]);
      }
      column += width;
    }
    out += "\r\n";
  });
  return out;
}

Result<std::string> build_mime_message(const EmailMessage& message, const Mailbox& from,
                                       store::Timestamp date, std::string_view message_id) {
  if (!valid_address(message.to_address)) {
    return Error::invalid_input("invalid recipient address");
  }
  if (!valid_address(from.address)) return Error::invalid_input("invalid MAIL_FROM address");
  const std::string boundary = "=_gatehouse_" + new_uuid();
  std::string out;
  out.reserve(message.html.size() + message.text.size() + 1024);
  out += "Date: " + format_rfc5322_date(date) + "\r\n";
  out += "From: " + format_mailbox(from) + "\r\n";
  out += "To: " + format_mailbox({message.to_address, message.to_name}) + "\r\n";
  out += "Subject: " + encode_header_text(message.subject) + "\r\n";
  out += "Message-ID: " + single_line(message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "This is a multi-part message in MIME format.\r\n";
  append_part(out, boundary, "text/plain", message.text);
  append_part(out, boundary, "text/html", message.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace gatehouse::mail
