#include "http/json_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>

namespace gatehouse::http {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<std::uint8_t>(s[i]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<std::uint8_t>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return 0;
  }
  return len;
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string valid_utf8_prefix(std::string_view s, std::size_t max_bytes) {
  std::string out = valid_utf8(s);
  if (out.size() <= max_bytes) return out;
  std::size_t end = max_bytes;
  // Back to the start of the character that crosses the limit (never a continuation byte).
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
  out.resize(end);
  return out;
}

// Boost.JSON escapes what the hand-written writer did: '"', backslash, the short escapes for
// BS FF LF CR TAB, other control characters as a lower-case u00xx escape; '/', DEL and
// non-ASCII text stay as they are (tests/unit/http_json_text_test.cpp).
std::string json_string(std::string_view s) {
  return boost::json::serialize(boost::json::string_view(valid_utf8(s)));
}

std::string detail_json(std::string_view message) {
  return boost::json::serialize(
      boost::json::object{{"detail", boost::json::string(valid_utf8(message))}});
}

}  // namespace gatehouse::http
