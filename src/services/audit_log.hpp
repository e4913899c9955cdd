#pragma once
// AuditLog: the one event stream behind the audit log and the webhooks
// (docs/audit-and-webhooks.md). A service makes its change and records the event inside
// AuditLog::atomically(), which is one database transaction: the event row, and for the user
// lifecycle events one webhook delivery row per WEBHOOK_URLS endpoint, are stored with the
// change or not at all. Who and where (actor, IP, user agent, request id) come from the
// thread's RequestOrigin unless the entry names its actor. Details never hold a password,
// token, code or key.
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "services/clock.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

// API.md §9 "Audit action names".
namespace audit_action {
inline constexpr std::string_view kUserRegistered = "user.registered";
inline constexpr std::string_view kUserVerified = "user.verified";
inline constexpr std::string_view kUserLogin = "user.login";
inline constexpr std::string_view kUserLocked = "user.locked";
inline constexpr std::string_view kUserUnlocked = "user.unlocked";
inline constexpr std::string_view kUserLogout = "user.logout";
inline constexpr std::string_view kSessionRevoked = "session.revoked";
inline constexpr std::string_view kRefreshReuse = "refresh.reuse_detected";
inline constexpr std::string_view kUserUpdated = "user.updated";
inline constexpr std::string_view kPasswordChanged = "user.password_changed";
inline constexpr std::string_view kPasswordReset = "user.password_reset";
inline constexpr std::string_view kEmailChanged = "user.email_changed";
inline constexpr std::string_view kRoleChanged = "user.role_changed";
inline constexpr std::string_view kUserBanned = "user.banned";
inline constexpr std::string_view kUserUnbanned = "user.unbanned";
inline constexpr std::string_view kUserDeleted = "user.deleted";
inline constexpr std::string_view kMfaEnabled = "mfa.enabled";
inline constexpr std::string_view kMfaDisabled = "mfa.disabled";
inline constexpr std::string_view kRecoveryCodeUsed = "mfa.recovery_code_used";
inline constexpr std::string_view kApiKeyCreated = "api_key.created";
inline constexpr std::string_view kApiKeyUpdated = "api_key.updated";
inline constexpr std::string_view kApiKeyDeleted = "api_key.deleted";
inline constexpr std::string_view kImportFastapiTemplate = "import.fastapi_template";

// Every name above, for validating the `action` filter.
const std::vector<std::string_view>& all();
// The user lifecycle events that are also sent as webhooks (API.md §4 "Webhooks").
bool is_lifecycle(std::string_view action);
}  // namespace audit_action

// One event as a service describes it.
struct AuditEntry {
  std::string_view action;
  std::string target_type;  // "user", "api_key", "session"; empty when none
  std::string target_id;
  std::optional<std::int64_t> subject_user_id;  // the user it concerns
  std::optional<std::int64_t> actor_id;         // nullopt: the origin's actor
  bool success = true;
  boost::json::object details;

  // An event about user `id` (target and subject).
  static AuditEntry about_user(std::string_view action, std::int64_t id);
};

struct AuditPage {
  std::vector<store::AuditEvent> items;
  std::int64_t total = 0;
  int page = 1;
  int size = 50;
};

struct AuditOptions {
  bool enabled = true;                         // AUDIT_LOG_ENABLED
  std::vector<std::string> webhook_endpoints;  // WEBHOOK_URLS
};

class AuditLog {
 public:
  // `wake_webhooks` is called after a transaction that queued deliveries commits.
  AuditLog(store::Database& db, AuditOptions options, Clock clock,
           std::function<void()> wake_webhooks = {});

  // Runs `change` in one transaction (store::Database::in_transaction); record() calls made
  // inside it are stored with it. The change's error rolls everything back and is returned.
  Status atomically(const std::function<Status()>& change);

  // Records `entry`; must run inside atomically() to share the change's transaction (outside,
  // it is a transaction of its own: for events that record no change, like a failed login).
  Status record(const AuditEntry& entry);

  // The row `entry` would be (origin filled in), for a repository that stores it with its
  // change in one statement (a sign-in's session); nullopt while the audit log is off. Only
  // for events that are not webhooks (no delivery rows are made this way).
  std::optional<store::AuditEvent> event_for(const AuditEntry& entry) const;

  // GET /audit-log/ and `gatehouse audit list`: events matching `q`, newest first.
  Result<AuditPage> search(const store::AuditQuery& q, int page, int size);
  // `gatehouse audit tail`: up to `limit` events after `after_id`, oldest first.
  Result<std::vector<store::AuditEvent>> after(std::int64_t after_id, int limit);

  // `gatehouse webhooks list|retry`: deliveries newest first; a given-up one queued again.
  Result<std::vector<store::OutboxMessage>> deliveries(bool failed_only, int limit);
  Status retry_delivery(std::int64_t id);

  // The webhook body of an event: {"type","timestamp","data"} (docs/audit-and-webhooks.md).
  static std::string webhook_body(const store::AuditEvent& event);
  // What a delivery row stores: {"id": its webhook-id (msg_ and a fresh UUID, one per
  // endpoint), "body": the body to POST as is, "trace_id", "trace_flags"} (the trace of the
  // request that caused the event, continued by the delivery's traceparent; absent outside a
  // request).
  static std::string delivery_payload(const std::string& webhook_id, const std::string& body);

  bool enabled() const { return options_.enabled; }

 private:
  Status append(const AuditEntry& entry);

  store::Database& db_;
  const AuditOptions options_;
  Clock clock_;
  std::function<void()> wake_webhooks_;
};

}  // namespace gatehouse::services
