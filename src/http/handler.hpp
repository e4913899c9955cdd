#pragma once
// The seam between the transport (http/server.cpp, Beast) and the application: the
// session reads a request, asks the handler where to run it, runs it, writes the answer.
#include "http/request.hpp"

namespace gatehouse::http {

// Why the transport refused a request before it reached the application.
enum class Rejection {
  kBadRequest,       // unparseable request line or headers
  kBodyTooLarge,     // body over MAX_BODY_BYTES
  kHeadersTooLarge,  // header block over 16 KiB
  kTimeout,          // headers or body too slow
  kOverloaded,       // worker pool or connection cap full
};

const char* rejection_reason(Rejection r);  // metrics label: body_too_large, ...

// Where a request runs.
enum class Lane {
  kInline,    // on the I/O thread: cheap, no blocking I/O
  kWorker,    // the worker pool (database work)
  kPassword,  // the password lane: handlers that wait for a password hash, kept apart so a
              // login flood cannot take every worker from the other routes
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;

  // Assigns request id and client address, resolves the route and says where it runs.
  // Never throws.
  virtual Lane prepare(Request& req) = 0;

  // Produces the complete response, errors included. Never throws.
  virtual Response handle(Request& req) = 0;

  // The response for a request the transport refused; `req` holds whatever was parsed
  // (possibly nothing). Never throws.
  virtual Response reject(Rejection why, Request& req) = 0;
};

}  // namespace gatehouse::http
