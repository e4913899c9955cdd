#pragma once
// Serialises a Response into HTTP/1.1 wire format in one buffer, so a response costs one
// write and no per-header allocation (Beast's serializer with its field container was a
// visible share of the heartbeat's CPU time).
#include <string>

#include "http/request.hpp"

namespace gatehouse::http {

// Standard reason phrase for `status` ("OK", "Not Found", ...); "Unknown" otherwise.
const char* reason_phrase(int status);

// Appends the status line, headers (plus Content-Length and, when needed, Connection)
// and body to `out`. `http_minor` is 1 for HTTP/1.1, 0 for HTTP/1.0. Responses that must
// not have a body (1xx, 204, 304) get neither body nor Content-Length. The answer to a HEAD
// request (`head`) keeps the Content-Length of the body it would have had, without the body
// (RFC 9110 §9.3.2): a keep-alive client or proxy reads no body after it.
void write_response(const Response& resp, int http_minor, bool keep_alive, std::string& out,
                    bool head = false);

}  // namespace gatehouse::http
