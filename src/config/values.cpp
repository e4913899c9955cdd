#include "config/values.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "config/text.hpp"

namespace gatehouse::config::detail {

std::optional<std::int64_t> parse_integer(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view s) {
  s = trim(s);
  for (const char* t : {"true", "1", "yes", "on"}) {
    if (iequals(s, t)) return true;
  }
  for (const char* f : {"false", "0", "no", "off"}) {
    if (iequals(s, f)) return false;
  }
  return std::nullopt;
}

bool is_ip_or_cidr(std::string_view s) {
  const std::size_t slash = s.find('/');
  const std::string address(s.substr(0, slash));
  unsigned char buf[16];
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    max_prefix = 128;
  } else {
    return false;
  }
  if (slash == std::string_view::npos) return true;
  const std::string_view prefix_text = s.substr(slash + 1);
  if (prefix_text.empty() || prefix_text.size() > 3) return false;
  for (char c : prefix_text) {
    if (c < '0' || c > '9') return false;
  }
  const auto prefix = parse_integer(prefix_text);
  return prefix && *prefix >= 0 && *prefix <= max_prefix;
}

namespace {

// Minimal JSON reader for a flat object of string values.
class FlatJsonObjectReader {
 public:
  explicit FlatJsonObjectReader(std::string_view s) : s_(s) {}

  std::optional<NameUrl> read() {
    NameUrl out;
    skip_ws();
    if (!consume('{')) return std::nullopt;
    skip_ws();
    if (consume('}')) return finish(out);
    while (true) {
      skip_ws();
      auto key = read_string();
      if (!key) return std::nullopt;
      skip_ws();
      if (!consume(':')) return std::nullopt;
      skip_ws();
      auto value = read_string();
      if (!value) return std::nullopt;
      if (*key == "name") out.name = std::move(*value);
      if (*key == "url") out.url = std::move(*value);
      skip_ws();
      if (consume('}')) return finish(out);
      if (!consume(',')) return std::nullopt;
    }
  }

 private:
  std::optional<NameUrl> finish(NameUrl& out) {
    skip_ws();
    if (pos_ != s_.size()) return std::nullopt;
    return std::move(out);
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<unsigned> read_hex4() {
    if (pos_ + 4 > s_.size()) return std::nullopt;
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, v, 16);
    if (ec != std::errc() || end != s_.data() + pos_ + 4) return std::nullopt;
    pos_ += 4;
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool read_escape(std::string& out) {
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out += c;
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u': {
        auto cp = read_hex4();
        if (!cp) return false;
        if (*cp >= 0xD800 && *cp <= 0xDBFF) {
          if (!consume('\\') || !consume('u')) return false;
          auto low = read_hex4();
          if (!low || *low < 0xDC00 || *low > 0xDFFF) return false;
          *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
        } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
          return false;
        }
        append_utf8(out, *cp);
        return true;
      }
      default:
        return false;
    }
  }

  std::optional<std::string> read_string() {
    if (!consume('"')) return std::nullopt;
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (!read_escape(out)) return std::nullopt;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return std::nullopt;
      } else {
        out += c;
      }
    }
    return std::nullopt;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::optional<NameUrl> parse_name_url_json(std::string_view s) {
  return FlatJsonObjectReader(s).read();
}

std::string name_url_json(const NameUrl& v) {
  return "{\"name\":" + json_string(v.name) + ",\"url\":" + json_string(v.url) + "}";
}

}  // namespace gatehouse::config::detail
