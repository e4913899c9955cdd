#pragma once
// The REQUESTS access-log line (as the FastAPI template writes it) and the query-string
// redaction it relies on, so tokens in URLs never reach the log. Pure functions, no logging
// state: safe from any thread.
#include <string>
#include <string_view>

namespace gatehouse::obs {

// Redacts secret-bearing parameters of a raw query string (without the leading '?').
// A parameter is secret when its name (percent-decoded, '+' = space, compared
// case-insensitively) equals one of code, token, reset_token, verification, verify,
// access_token, refresh_token, api_key, key, or contains password, secret or token.
// - Nothing secret: `raw_query` is returned verbatim (byte for byte).
// - Otherwise: the query is rebuilt like Python's urlencode(parse_qsl(q, keep_blank_values=
//   True)): '&'-separated pairs in their original order, empty pairs dropped, a pair without
//   '=' gets an empty value, secret values replaced by REDACTED, names and values
//   re-encoded with quote_plus rules (A-Z a-z 0-9 _ . - ~ kept, space as '+', every other
//   byte as %XX upper-case).
std::string redact_query(std::string_view raw_query);

// `{client_ip} - "{METHOD} {path}[?{query}]" {status} ({seconds:.3f}s)[ error={code}]`,
// the domain error code (core/error.hpp) only on error answers, with the query
// passed through redact_query() and "?" only when the query is non-empty; an empty
// `client_ip` is written as "unknown". `path` is written as given (the caller passes the
// request path without its query).
std::string access_log_line(std::string_view client_ip, std::string_view method,
                            std::string_view path, std::string_view raw_query, int status,
                            double seconds, std::string_view error_code = {});

}  // namespace gatehouse::obs
