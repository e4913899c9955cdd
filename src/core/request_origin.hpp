#pragma once
// RequestOrigin: where the work a thread is doing came from — the HTTP request's client
// address, user agent and request id, and the user it authenticated as — for the audit log
// (services/audit_log.hpp). The transport sets it around each request (http/pipeline.cpp),
// the auth guard adds the actor once it knows it, and the CLI sets one for its commands.
// Kept per thread like the trace context (observability/trace_context.hpp): a request is
// handled from start to end on one thread, and every service entry point would otherwise
// need the same four parameters only to pass them to the audit log.
#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse {

struct RequestOrigin {
  std::string ip;                        // empty for the CLI
  std::string user_agent;                // "gatehouse-cli" for the CLI
  std::string request_id;                // X-Request-ID; empty for the CLI
  std::optional<std::int64_t> actor_id;  // the authenticated user, once known
};

// The current thread's origin, or nullptr outside any OriginScope.
RequestOrigin* current_origin();

// Makes `origin` the current thread's origin until destroyed (then the previous one again).
// `origin` must outlive the scope.
class OriginScope {
 public:
  explicit OriginScope(RequestOrigin& origin);
  ~OriginScope();
  OriginScope(const OriginScope&) = delete;
  OriginScope& operator=(const OriginScope&) = delete;

 private:
  RequestOrigin* previous_;
};

}  // namespace gatehouse
