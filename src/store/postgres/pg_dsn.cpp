#include "store/postgres/pg_dsn.hpp"

#include <libpq-fe.h>

#include "core/percent.hpp"

#include <algorithm>
#include <cstring>

namespace gatehouse::store::postgres {

namespace {

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
