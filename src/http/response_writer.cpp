#include "http/response_writer.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>

namespace gatehouse::http {

const char* reason_phrase(int status) {
  namespace beast_http = boost::beast::http;
  const auto known = beast_http::int_to_status(static_cast<unsigned>(status));
  // Beast's phrases are string literals, so data() is NUL-terminated.
  return known == beast_http::status::unknown ? "Unknown"
                                              : beast_http::obsolete_reason(known).data();
}

namespace {

void append_number(std::string& out, std::size_t n) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  (void)ec;
  out.append(buf, end);
}

// Header values come from our own code, but some echo client input (X-Request-ID is
// validated, CORS origins are matched): never let a CR or LF split a header.
void append_clean(std::string& out, const std::string& s) {
  if (s.find_first_of("\r\n") == std::string::npos) {
    out += s;
    return;
  }
  for (char c : s) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
}

}  // namespace

void write_response(const Response& resp, int http_minor, bool keep_alive, std::string& out,
                    bool head) {
  const int status = resp.status;
  out.reserve(out.size() + 256 + resp.body.size());
  out += http_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(status));
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : resp.headers.entries()) {
    append_clean(out, name);
    out += ": ";
    append_clean(out, value);
    out += "\r\n";
  }
  const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
  if (!bodiless) {
    out += "Content-Length: ";
    append_number(out, resp.body.size());
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http_minor == 0) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!bodiless && !head) out += resp.body;
}

}  // namespace gatehouse::http
