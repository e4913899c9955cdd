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

}  // namespace

std::string redact_query(std::string_view raw_query) {
  if (raw_query.empty()) return {};  // most requests: no query, nothing to parse
  // Python's unquote_plus / quote_plus are percent_decode / percent_encode with '+' as space.
  const std::vector<FormField> fields = parse_form(raw_query);
  if (std::none_of(fields.begin(), fields.end(),
                   [](const FormField& f) { return is_secret_name(f.name); })) {
    return std::string(raw_query);
  }
  std::string out;
  out.reserve(raw_query.size() + 16);
  for (const FormField& f : fields) {
    if (f.name.empty() && !f.has_value) continue;  // parse_qsl drops empty pairs
    if (!out.empty()) out.push_back('&');
    out += percent_encode(f.name, true);
    out.push_back('=');
    out += is_secret_name(f.name) ? std::string(kRedacted) : percent_encode(f.value, true);
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
