#include "config/values.hpp"

#include <arpa/inet.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
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

std::optional<NameUrl> parse_name_url_json(std::string_view s) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;  // environment text is taken as given elsewhere too
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(s, ec, {}, options);
  if (ec || !v.is_object()) return std::nullopt;
  NameUrl out;
  for (const auto& [key, value] : v.as_object()) {
    if (!value.is_string()) return std::nullopt;
    if (key == "name") out.name = value.as_string();
    if (key == "url") out.url = value.as_string();
  }
  return out;
}

std::string name_url_json(const NameUrl& v) {
  return boost::json::serialize(boost::json::object{{"name", v.name}, {"url", v.url}});
}

}  // namespace gatehouse::config::detail
