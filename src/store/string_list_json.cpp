#include "store/string_list_json.hpp"

#include <cstdint>
#include <cstdio>

namespace gatehouse::store {

namespace {

void skip_space(const std::string& s, std::size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
    ++pos;
  }
}

bool read_hex4(const std::string& s, std::size_t& pos, std::uint32_t& out) {
  if (pos + 4 > s.size()) return false;
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const char c = s[pos + i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  pos += 4;
  out = v;
  return true;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads one JSON string starting at the opening quote.
bool read_string(const std::string& s, std::size_t& pos, std::string& out) {
  if (pos >= s.size() || s[pos] != '"') return false;
  ++pos;
  while (pos < s.size()) {
    const char c = s[pos++];
    if (c == '"') return true;
    if (static_cast<unsigned char>(c) < 0x20) return false;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (pos >= s.size()) return false;
    const char e = s[pos++];
    switch (e) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        std::uint32_t cp = 0;
        if (!read_hex4(s, pos, cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low = 0;
          if (pos + 2 > s.size() || s[pos] != '\\' || s[pos + 1] != 'u') return false;
          pos += 2;
          if (!read_hex4(s, pos, low) || low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return false;
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  return false;
}

}  // namespace

std::string encode_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else {
        out.push_back(c);
      }
    }
    out.push_back('"');
  }
  out.push_back(']');
  return out;
}

std::optional<std::vector<std::string>> decode_string_list(const std::string& json) {
  std::vector<std::string> items;
  std::size_t pos = 0;
  skip_space(json, pos);
  if (pos >= json.size() || json[pos] != '[') return std::nullopt;
  ++pos;
  skip_space(json, pos);
  if (pos < json.size() && json[pos] == ']') {
    ++pos;
  } else {
    for (;;) {
      skip_space(json, pos);
      std::string item;
      if (!read_string(json, pos, item)) return std::nullopt;
      items.push_back(std::move(item));
      skip_space(json, pos);
      if (pos >= json.size()) return std::nullopt;
      if (json[pos] == ',') {
        ++pos;
        continue;
      }
      if (json[pos] != ']') return std::nullopt;
      ++pos;
      break;
    }
  }
  skip_space(json, pos);
  if (pos != json.size()) return std::nullopt;
  return items;
}

}  // namespace gatehouse::store
