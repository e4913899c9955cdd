#pragma once
// URL handling for DATABASE_URL and REDIS_URL (internal to src/config). Errors start
// with the variable name and never contain the password.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace gatehouse::config::detail {

// scheme://[user[:password]@]host[:port][/path][?query]. The userinfo ends at the last
// '@', so an unencoded '@' or '/' in a password is still treated as part of it.
struct UrlParts {
  std::string scheme;                   // as written
  std::string user;                     // percent-decoded
  std::optional<std::string> password;  // percent-decoded; nullopt when absent
  std::size_t password_begin = 0;       // raw position of the password in the URL
  std::size_t password_end = 0;
  std::string host;  // brackets of an IPv6 literal removed
  std::string port;  // as written, empty when absent
  std::string path;  // from the '/' after the authority, query and fragment removed
};
// nullopt when `url` has no "scheme://".
std::optional<UrlParts> split_url(std::string_view url);

struct DatabaseUrl {
  DatabaseBackend backend = DatabaseBackend::kSqlite;
  std::string url;                      // normalised: sqlite:///path or postgresql://...
  std::string sqlite_path;              // kSqlite only
  std::optional<std::string> password;  // kPostgres: the decoded password, if any
  std::string error;                    // non-empty: "DATABASE_URL: ..."
};
DatabaseUrl parse_database_url(std::string_view url);

struct RedisUrl {
  std::string host = "localhost";
  int port = 6379;
  std::string password;  // decoded, empty when absent
  int db = 0;
  std::string error;  // non-empty: "REDIS_URL: ..."
};
RedisUrl parse_redis_url(std::string_view url);

// redis://[:{pw}@]host:port/db with the password percent-encoded.
std::string build_redis_url(const RedisSettings& r);

}  // namespace gatehouse::config::detail
