#pragma once
// AuditRepository: the `audit_events` table (docs/audit-and-webhooks.md). Rows are appended
// by the services in the same transaction as the change they record (Database::
// in_transaction), read newest first by GET /audit-log/ and `gatehouse audit`, and removed
// after AUDIT_RETENTION_DAYS by the housekeeping thread. Implementations: store/sqlite,
// store/postgres. Safe for concurrent use.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

struct AuditEvent {
  std::int64_t id = 0;  // assigned by append()
  Timestamp at{};
  std::optional<std::int64_t> actor_id;  // who acted (null: anonymous, or the CLI)
  std::string action;                    // "user.login", "api_key.created", …
  std::string target_type;               // "user", "api_key", "session"; empty when none
  std::string target_id;                 // the target's id as text; empty when none
  // The user the event is about (the target user, the owner of a key or session): with
  // actor_id it is what the `user_id` filter matches. Null when none (an unknown email).
  std::optional<std::int64_t> subject_user_id;
  std::string ip;                   // empty when none (the CLI)
  std::string user_agent;           // empty when none
  std::string outcome = "success";  // "success" | "failure"
  std::string details = "{}";       // a JSON object as text; never a secret
  std::string request_id;           // X-Request-ID of the request; empty for the CLI
};

// Filters of GET /audit-log/ and `gatehouse audit list`; every one optional, all must hold.
struct AuditQuery {
  std::optional<std::int64_t> user_id;  // actor_id or subject_user_id
  std::optional<std::string> action;
  std::optional<Timestamp> since;  // at >= since
  std::optional<Timestamp> until;  // at <= until
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;

  // Inserts `event` (its id is ignored) and returns the new id.
  virtual Result<std::int64_t> append(const AuditEvent& event) = 0;

  // Events matching `q`, newest first (by id), skipping `offset`.
  virtual Result<std::vector<AuditEvent>> list(const AuditQuery& q, std::int64_t offset,
                                               std::int64_t limit) = 0;
  virtual Result<std::int64_t> count(const AuditQuery& q) = 0;

  // Up to `limit` events with an id above `after_id`, oldest first (`gatehouse audit tail`).
  virtual Result<std::vector<AuditEvent>> list_after(std::int64_t after_id, std::int64_t limit) = 0;

  // Deletes up to `limit` events older than `before` (oldest first); returns how many, so
  // retention runs in short batches that never hold the write lock for long.
  virtual Result<std::int64_t> purge_before(Timestamp before, std::int64_t limit) = 0;
};

using AuditRepositoryPtr = std::unique_ptr<AuditRepository>;

}  // namespace gatehouse::store
