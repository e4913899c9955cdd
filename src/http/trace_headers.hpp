#pragma once
// The pipeline's W3C Trace Context step (docs/operations.md "Trace context"): the request's
// trace from its `traceparent` header, and the `traceparent` answered with our span id.
#include "http/request.hpp"

namespace gatehouse::http {

// Fills req.trace once: the trace id of a single valid `traceparent` header, else a fresh
// one (several headers count as none: the standard allows only one); a fresh span id.
void adopt_trace_context(Request& req);

// Sets the response's `traceparent` to the request's trace id and our span id.
void add_trace_header(const Request& req, Response& resp);

}  // namespace gatehouse::http
