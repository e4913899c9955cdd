#pragma once
// The one place that turns an Error into an HTTP response (docs/architecture.md, Errors).
#include "core/error.hpp"
#include "http/request.hpp"

namespace gatehouse::http {

int http_status(ErrorCode code);

// Renders {"detail": "..."} or the 422 list shape, with Retry-After when the error carries
// one, and counts it in …_errors_total{code}. Every error answer goes through here, the
// transport's refusals included. The internal cause is not rendered; the caller logs it
// with the request id.
Response error_response(const Error& error);

}  // namespace gatehouse::http
