#pragma once
// OutboxRepository: the durable `outbox` table. Work that must happen after a request but
// must never slow it down or be lost (emails today, webhooks later) is written here in the
// request's path and delivered by a background worker, at least once, surviving restarts.
// Several instances may run workers: a claim takes a lease so two workers never deliver the
// same message at once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time).
// Implementations: store/sqlite, store/postgres. Safe for concurrent use.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/time.hpp"

namespace gatehouse::store {

struct OutboxMessage {
  std::int64_t id = 0;
  std::string kind;      // "email" or "webhook"
  std::string endpoint;  // a webhook's URL; empty for other kinds
  std::string payload;   // JSON text, opaque to the store
  int attempts = 0;      // failed deliveries so far (mark_failed calls)
  Timestamp created_at{};
  Timestamp available_at{};  // not claimed before this time (retry backoff, lease expiry)
  std::optional<Timestamp> sent_at;
  std::string last_error;  // empty when none
  std::optional<Timestamp> given_up_at;
};

// A message given up on (mark_failed with nullopt) gets `given_up_at` set (a column of its
// own, not a negative attempts count, so attempts stays a true count): it is never claimed
// again and not counted as pending, and stays in the table for inspection.
class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;

  // Adds a message available at `available_at`; returns its id.
  virtual Result<std::int64_t> enqueue(const std::string& kind, const std::string& payload,
                                       Timestamp available_at) = 0;

  // Claims up to `limit` unsent messages of `kind` with available_at <= now, oldest first
  // (by id), and pushes their available_at to now + lease so no other worker takes them
  // meanwhile. The returned messages carry the new available_at. limit <= 0: none.
  virtual Result<std::vector<OutboxMessage>> claim(const std::string& kind, int limit,
                                                   Timestamp now, std::chrono::seconds lease) = 0;

  // Marks a claimed message delivered (sent_at = at; attempts is left alone: it counts the
  // failed tries). A no-op when the id does not exist or the message was already marked sent.
  virtual Status mark_sent(std::int64_t id, Timestamp at) = 0;

  // Records a failed attempt: attempts + 1, last_error, and the next try at `retry_at`
  // (nullopt: give up; the message stays with sent_at null and is no longer claimed).
  // A no-op when the id does not exist or the message was already marked sent.
  virtual Status mark_failed(std::int64_t id, const std::string& error,
                             std::optional<Timestamp> retry_at) = 0;

  // Unsent messages of `kind` that are still to be tried (for metrics and tests).
  virtual Result<std::int64_t> count_pending(const std::string& kind) = 0;

  // Deletes up to `limit` messages of any kind created before `before` that are done with
  // (sent or given up on), oldest first; returns how many. Retention: their bodies (emails,
  // webhook payloads) must not outlive the audit log's AUDIT_RETENTION_DAYS.
  virtual Result<std::int64_t> purge_finished(Timestamp before, std::int64_t limit) = 0;

  // Webhook deliveries (kind "webhook"), one row per event and endpoint, delivered in order
  // of creation per endpoint (docs/audit-and-webhooks.md).

  // Adds a delivery of `payload` to `endpoint`, available at once; returns its id.
  virtual Result<std::int64_t> enqueue_webhook(const std::string& endpoint,
                                               const std::string& payload,
                                               Timestamp created_at) = 0;

  // Claims the oldest undelivered, not given-up delivery of `endpoint`, but only when it is
  // available (available_at <= now) and not claimed by another worker: a later delivery is
  // never claimed while an earlier one of the same endpoint waits for its retry, so an
  // endpoint sees events in order. Pushes its available_at to now + lease. nullopt: nothing
  // to send to this endpoint now. PostgreSQL: the head row is locked FOR UPDATE SKIP LOCKED.
  virtual Result<std::optional<OutboxMessage>> claim_webhook(const std::string& endpoint,
                                                             Timestamp now,
                                                             std::chrono::seconds lease) = 0;

  // Webhook deliveries, newest first: all, or only those given up on (`failed_only`).
  virtual Result<std::vector<OutboxMessage>> list_webhooks(bool failed_only,
                                                           std::int64_t limit) = 0;

  // Makes a given-up webhook delivery pending again (given_up_at cleared, available at
  // `now`, attempts kept). false when `id` is not a given-up webhook delivery.
  virtual Result<bool> retry_webhook(std::int64_t id, Timestamp now) = 0;
};

using OutboxRepositoryPtr = std::unique_ptr<OutboxRepository>;

}  // namespace gatehouse::store
