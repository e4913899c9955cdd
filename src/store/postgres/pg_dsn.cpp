#include "store/postgres/pg_dsn.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>

namespace gatehouse::store::postgres {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

void add_secret(std::vector<std::string>& secrets, std::string s) {
  if (s.empty()) return;
  if (std::find(secrets.begin(), secrets.end(), s) == secrets.end()) {
    secrets.push_back(std::move(s));
  }
}

}  // namespace

std::string libpq_url(const std::string& url) {
  for (const char* scheme : {"postgresql+", "postgres+"}) {
    if (url.rfind(scheme, 0) == 0) {
      const auto sep = url.find("://");
      if (sep == std::string::npos) return url;
      return "postgresql" + url.substr(sep);
    }
  }
  return url;
}

std::vector<std::string> dsn_secrets(const std::string& url) {
  std::vector<std::string> secrets;
  // URI form: scheme://user:password@host...; the password as written and decoded.
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    const auto start = scheme_end + 3;
    const auto auth_end = url.find_first_of("/?", start);
    const std::string authority =
        url.substr(start, auth_end == std::string::npos ? std::string::npos : auth_end - start);
    const auto at = authority.rfind('@');
    if (at != std::string::npos) {
      const std::string userinfo = authority.substr(0, at);
      const auto colon = userinfo.find(':');
      if (colon != std::string::npos) {
        const std::string raw = userinfo.substr(colon + 1);
        add_secret(secrets, raw);
        add_secret(secrets, percent_decode(raw));
      }
    }
  }
  // Whatever libpq itself would use (also covers "password=..." key/value strings and
  // ?password= query parameters).
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(libpq_url(url).c_str(), &err);
  if (err != nullptr) PQfreemem(err);
  if (options != nullptr) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) {
        add_secret(secrets, o->val);
      }
    }
    PQconninfoFree(options);
  }
  return secrets;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    std::size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return text;
}

}  // namespace gatehouse::store::postgres
