#include "services/audit_log.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "core/ids.hpp"
#include "core/request_origin.hpp"
#include "observability/trace_context.hpp"
#include "store/time.hpp"

namespace gatehouse::services {

namespace audit_action {

const std::vector<std::string_view>& all() {
  static const std::vector<std::string_view> kNames = {
      kUserRegistered,   kUserVerified,         kUserLogin,
      kUserLocked,       kUserUnlocked,         kUserLogout,
      kSessionRevoked,   kRefreshReuse,         kUserUpdated,
      kPasswordChanged,  kPasswordReset,        kEmailChanged,
      kRoleChanged,      kUserBanned,           kUserUnbanned,
      kUserDeleted,      kMfaEnabled,           kMfaDisabled,
      kRecoveryCodeUsed, kApiKeyCreated,        kApiKeyUpdated,
      kApiKeyDeleted,    kImportFastapiTemplate};
  return kNames;
}

bool is_lifecycle(std::string_view action) {
  static constexpr std::string_view kLifecycle[] = {
      kUserRegistered, kUserVerified, kUserUpdated, kPasswordChanged, kUserBanned,
      kUserUnbanned,   kUserDeleted,  kRoleChanged, kApiKeyCreated,   kApiKeyDeleted};
  return std::find(std::begin(kLifecycle), std::end(kLifecycle), action) != std::end(kLifecycle);
}

}  // namespace audit_action

AuditEntry AuditEntry::about_user(std::string_view action, std::int64_t id) {
  AuditEntry e;
  e.action = action;
  e.target_type = "user";
  e.target_id = std::to_string(id);
  e.subject_user_id = id;
  return e;
}

AuditLog::AuditLog(store::Database& db, AuditOptions options, Clock clock,
                   std::function<void()> wake_webhooks)
    : db_(db),
      options_(std::move(options)),
      clock_(std::move(clock)),
      wake_webhooks_(std::move(wake_webhooks)) {}

Status AuditLog::atomically(const std::function<Status()>& change) {
  if (Status s = db_.in_transaction(change); !s) return s;
  // Waking costs a notify: cheaper than tracking whether this change queued a delivery.
  if (!options_.webhook_endpoints.empty() && wake_webhooks_) wake_webhooks_();
  return ok();
}

Status AuditLog::record(const AuditEntry& entry) {
  if (!options_.enabled) return ok();
  const bool queues =
      audit_action::is_lifecycle(entry.action) && !options_.webhook_endpoints.empty();
  // An event row alone is one statement (inside the caller's transaction when there is one);
  // with deliveries it takes a transaction of its own when the caller has none.
  if (!queues) return append(entry);
  return db_.in_transaction([&] { return append(entry); });
}

std::optional<store::AuditEvent> AuditLog::event_for(const AuditEntry& entry) const {
  if (!options_.enabled) return std::nullopt;
  store::AuditEvent event;
  event.at = clock_();
  event.action = std::string(entry.action);
  event.target_type = entry.target_type;
  event.target_id = entry.target_id;
  event.subject_user_id = entry.subject_user_id;
  event.outcome = entry.success ? "success" : "failure";
  event.details = boost::json::serialize(entry.details);
  event.actor_id = entry.actor_id;
  if (const RequestOrigin* origin = current_origin()) {
    event.ip = origin->ip;
    event.user_agent = origin->user_agent;
    event.request_id = origin->request_id;
    if (!event.actor_id) event.actor_id = origin->actor_id;
  }
  return event;
}

Status AuditLog::append(const AuditEntry& entry) {
  std::optional<store::AuditEvent> made = event_for(entry);
  if (!made) return ok();
  store::AuditEvent& event = *made;
  auto id = db_.audit().append(event);
  if (!id) return id.error();
  if (!audit_action::is_lifecycle(entry.action)) return ok();
  event.id = *id;
  const std::string body = webhook_body(event);
  for (const std::string& endpoint : options_.webhook_endpoints) {
    const std::string payload = delivery_payload("msg_" + new_time_ordered_uuid(), body);
    if (auto queued = db_.outbox().enqueue_webhook(endpoint, payload, event.at); !queued) {
      return queued.error();
    }
  }
  return ok();
}

Result<AuditPage> AuditLog::search(const store::AuditQuery& q, int page, int size) {
  auto total = db_.audit().count(q);
  if (!total) return total.error();
  auto items = db_.audit().list(q, static_cast<std::int64_t>(page - 1) * size, size);
  if (!items) return items.error();
  return AuditPage{std::move(*items), *total, page, size};
}

Result<std::vector<store::AuditEvent>> AuditLog::after(std::int64_t after_id, int limit) {
  return db_.audit().list_after(after_id, limit);
}

Result<std::vector<store::OutboxMessage>> AuditLog::deliveries(bool failed_only, int limit) {
  return db_.outbox().list_webhooks(failed_only, limit);
}

Status AuditLog::retry_delivery(std::int64_t id) {
  auto queued = db_.outbox().retry_webhook(id, clock_());
  if (!queued) return queued.error();
  if (!*queued) {
    return Error::of(ErrorCode::kNotFound, "No given-up webhook delivery with this id");
  }
  if (wake_webhooks_) wake_webhooks_();
  return ok();
}

std::string AuditLog::delivery_payload(const std::string& webhook_id, const std::string& body) {
  boost::json::object payload;
  payload["id"] = webhook_id;
  payload["body"] = body;
  if (const obs::TraceContext* trace = obs::current_trace()) {
    payload["trace_id"] = trace->trace_id;
    payload["trace_flags"] = trace->flags;
  }
  return boost::json::serialize(payload);
}

std::string AuditLog::webhook_body(const store::AuditEvent& event) {
  boost::json::object data;
  data["event_id"] = event.id;
  data["actor_id"] = event.actor_id ? boost::json::value(*event.actor_id) : nullptr;
  if (event.subject_user_id) data["user_id"] = *event.subject_user_id;
  if (!event.target_type.empty()) {
    data["target_type"] = event.target_type;
    data["target_id"] = event.target_id;
  }
  data["details"] = boost::json::parse(event.details);
  boost::json::object body;
  body["type"] = event.action;
  body["timestamp"] = store::format_iso8601(event.at);
  body["data"] = std::move(data);
  return boost::json::serialize(body);
}

}  // namespace gatehouse::services
