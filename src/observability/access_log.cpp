#include "observability/access_log.hpp"

#include "core/percent.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/core.h>

namespace gatehouse::obs {
namespace {

constexpr std::string_view kRedacted = "REDACTED";

constexpr std::string_view kSecretNames[] = {"code",          "token",   "reset_token",
                                             "verification",  "verify",  "access_token",
                                             "refresh_token", "api_key", "key"};
constexpr std::string_view kSecretFragments[] = {"password", "secret", "token"};

// Python's unquote_plus on bytes: '+' is a space, valid %XX escapes are decoded, anything
// else (a lone '%', "%zz") is kept literally.
std::string unquote_plus(std::string_view s) { return percent_decode(s, true); }

// Python's quote_plus with the default safe set.
void append_quote_plus(std::string& out, std::string_view s) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '_' || c == '.' || c == '-' || c == '~') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
}

bool is_secret_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view secret : kSecretNames) {
    if (name == secret) return true;
  }
  for (std::string_view fragment : kSecretFragments) {
    if (name.find(fragment) != std::string::npos) return true;
  }
  return false;
}

struct Pair {
  std::string name;        // decoded
  std::string_view value;  // raw
  bool secret = false;
};

}  // namespace

std::string redact_query(std::string_view raw_query) {
  std::vector<Pair> pairs;
  bool any_secret = false;
  std::string_view rest = raw_query;
  while (true) {
    const std::size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    if (!item.empty()) {  // parse_qsl drops empty pairs
      const std::size_t eq = item.find('=');
      Pair pair{unquote_plus(item.substr(0, eq)),
                eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1)};
      pair.secret = is_secret_name(pair.name);
      any_secret = any_secret || pair.secret;
      pairs.push_back(std::move(pair));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  if (!any_secret) return std::string(raw_query);

  std::string out;
  out.reserve(raw_query.size() + 16);
  for (const Pair& pair : pairs) {
    if (!out.empty()) out.push_back('&');
    append_quote_plus(out, pair.name);
    out.push_back('=');
    if (pair.secret) {
      out += kRedacted;
    } else {
      append_quote_plus(out, unquote_plus(pair.value));
    }
  }
  return out;
}

std::string access_log_line(std::string_view client_ip, std::string_view method,
                            std::string_view path, std::string_view raw_query, int status,
                            double seconds, std::string_view error_code) {
  const std::string query = redact_query(raw_query);
  return fmt::format("{} - \"{} {}{}{}\" {} ({:.3f}s){}{}",
                     client_ip.empty() ? "unknown" : client_ip, method, path,
                     query.empty() ? "" : "?", query, status, seconds,
                     error_code.empty() ? "" : " error=", error_code);
}

}  // namespace gatehouse::obs
