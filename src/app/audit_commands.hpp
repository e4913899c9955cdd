#pragma once
// `gatehouse audit list|tail` and `gatehouse webhooks list|retry` (docs/audit-and-webhooks.md):
// the audit log and the webhook deliveries for operators. Exit 0 on success, 1 with a
// one-line "-> ERROR ..." on stderr for a user error.
#include <cstdint>
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace gatehouse::app {

struct AuditListArgs {
  std::optional<std::int64_t> user_id;
  std::optional<std::string> action;
  std::optional<std::string> since;  // ISO-8601 with a time zone
  std::optional<std::string> until;
  int limit = 50;
};

// The newest `limit` events matching the filters, newest first.
int audit_list(const config::Settings& s, const AuditListArgs& args);
// The last `limit` events, oldest first; with `follow`, then every new one as it is stored
// (polling once a second) until interrupted.
int audit_tail(const config::Settings& s, int limit, bool follow);

// Webhook deliveries, newest first (`failed`: only those given up on).
int webhooks_list(const config::Settings& s, bool failed, int limit);
// Queues a given-up delivery again; the running server's worker sends it.
int webhooks_retry(const config::Settings& s, std::int64_t id);

}  // namespace gatehouse::app
