#include "config/urls.hpp"

#include "core/percent.hpp"

#include <cctype>

#include "config/loader.hpp"
#include "config/text.hpp"
#include "config/values.hpp"

namespace gatehouse::config {

namespace detail {

namespace {

constexpr std::string_view kSchemeSeparator = "://";
constexpr std::string_view kDatabaseUrlHelp =
    "use sqlite:///path/to/file.db or postgresql://user:password@host:port/db";

bool is_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

void split_host_port(std::string_view hostport, UrlParts& out) {
  if (!hostport.empty() && hostport.front() == '[') {
    const std::size_t close = hostport.find(']');
    if (close != std::string_view::npos) {
      out.host = std::string(hostport.substr(1, close - 1));
      std::string_view after = hostport.substr(close + 1);
      if (!after.empty() && after.front() == ':') out.port = std::string(after.substr(1));
      return;
    }
  }
  const std::size_t colon = hostport.rfind(':');
  out.host = std::string(hostport.substr(0, colon));
  if (colon != std::string_view::npos) out.port = std::string(hostport.substr(colon + 1));
}

}  // namespace

std::optional<UrlParts> split_url(std::string_view url) {
  const std::size_t sep = url.find(kSchemeSeparator);
  if (sep == std::string_view::npos || !is_scheme(url.substr(0, sep))) return std::nullopt;
  UrlParts out;
  out.scheme = std::string(url.substr(0, sep));
  const std::size_t rest_begin = sep + kSchemeSeparator.size();
  std::string_view rest = url.substr(rest_begin);

  const std::size_t at = rest.rfind('@');
  std::size_t host_begin = 0;
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    out.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      out.password = percent_decode(userinfo.substr(colon + 1));
      out.password_begin = rest_begin + colon + 1;
      out.password_end = rest_begin + at;
    }
    host_begin = at + 1;
  }
  rest.remove_prefix(host_begin);
  const std::size_t authority_end = rest.find_first_of("/?#");
  split_host_port(rest.substr(0, authority_end), out);
  if (authority_end != std::string_view::npos && rest[authority_end] == '/') {
    std::string_view path = rest.substr(authority_end);
    out.path = std::string(path.substr(0, path.find_first_of("?#")));
  }
  return out;
}

DatabaseUrl parse_database_url(std::string_view url) {
  DatabaseUrl out;
  const std::size_t sep = url.find(kSchemeSeparator);
  const std::string scheme =
      sep == std::string_view::npos ? std::string() : to_lower(url.substr(0, sep));
  if (sep == std::string_view::npos || !is_scheme(scheme)) {
    out.error = "DATABASE_URL: not a URL (" + std::string(kDatabaseUrlHelp) + ")";
    return out;
  }
  const std::string_view rest = url.substr(sep + kSchemeSeparator.size());
  if (scheme == "sqlite") {
    if (rest.empty() || rest.front() != '/') {
      out.error =
          "DATABASE_URL: a SQLite URL has three slashes before a relative path "
          "(sqlite:///./data/gatehouse.db) and four before an absolute one "
          "(sqlite:////var/lib/gatehouse/gatehouse.db)";
      return out;
    }
    std::string_view path = rest.substr(1);
    path = path.substr(0, path.find('?'));
    if (path.empty()) {
      out.error = "DATABASE_URL: the SQLite URL has no file path (sqlite:///path/to/file.db)";
      return out;
    }
    out.backend = DatabaseBackend::kSqlite;
    out.sqlite_path = std::string(path);
    out.url = "sqlite:///" + out.sqlite_path;
    return out;
  }
  if (scheme == "postgresql" || scheme == "postgres" || scheme.starts_with("postgresql+")) {
    out.backend = DatabaseBackend::kPostgres;
    out.url = "postgresql://" + std::string(rest);
    if (auto parts = split_url(out.url)) out.password = parts->password;
    return out;
  }
  out.error = "DATABASE_URL: unsupported scheme " + quote(scheme) + " (" +
              std::string(kDatabaseUrlHelp) + ")";
  return out;
}

RedisUrl parse_redis_url(std::string_view url) {
  RedisUrl out;
  auto parts = split_url(url);
  const std::string scheme = parts ? to_lower(parts->scheme) : std::string();
  if (!parts || (scheme != "redis" && scheme != "rediss")) {
    out.error = "REDIS_URL: ";
    out.error += parts ? "unsupported scheme " + quote(scheme) : std::string("not a URL");
    out.error += " (use redis://[:password@]host[:port][/db])";
    return out;
  }
  if (scheme == "rediss") {
    // hiredis 0.14 (Debian 12) has no TLS: refuse rather than talk plain text to a TLS port.
    out.error =
        "REDIS_URL: rediss:// (TLS) is not supported by this build; use redis:// on a private "
        "network, or a local TLS tunnel (stunnel, spiped) and point redis:// at it";
    return out;
  }
  if (!parts->host.empty()) out.host = parts->host;
  if (parts->password) out.password = *parts->password;
  if (!parts->port.empty()) {
    const auto port = parse_integer(parts->port);
    if (!port || *port < 1 || *port > 65535) {
      out.error =
          "REDIS_URL: the port must be an integer from 1 to 65535 (got " + quote(parts->port) + ")";
      return out;
    }
    out.port = static_cast<int>(*port);
  }
  std::string_view db = parts->path;
  if (!db.empty()) db.remove_prefix(1);
  if (!db.empty()) {
    const auto n = parse_integer(db);
    if (!n || *n < 0 || *n > 15) {
      out.error =
          "REDIS_URL: the database number must be an integer from 0 to 15 (got " + quote(db) + ")";
      return out;
    }
    out.db = static_cast<int>(*n);
  }
  return out;
}

std::string build_redis_url(const RedisSettings& r) {
  std::string url = "redis://";
  if (!r.password.empty()) url += ":" + percent_encode(r.password) + "@";
  const bool ipv6 = r.host.find(':') != std::string::npos;
  url += ipv6 ? "[" + r.host + "]" : r.host;
  url += ":" + std::to_string(r.port) + "/" + std::to_string(r.db);
  return url;
}

}  // namespace detail

std::string mask_url_password(const std::string& url) {
  const auto parts = detail::split_url(url);
  if (!parts || !parts->password || parts->password->empty()) return url;
  return url.substr(0, parts->password_begin) + "****" + url.substr(parts->password_end);
}

}  // namespace gatehouse::config
