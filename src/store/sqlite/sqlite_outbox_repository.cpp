#include "store/sqlite/sqlite_outbox_repository.hpp"

#include <algorithm>

#include "store/row_decoding.hpp"
#include "store/sqlite/sqlite_query.hpp"

namespace gatehouse::store::sqlite {

namespace {

const std::string kCols = kOutboxColumns;

const std::string kEnqueue =
    "INSERT INTO outbox (kind, payload, created_at, available_at) VALUES (?1, ?2, ?3, ?4) "
    "RETURNING id";
// One statement, so one write transaction: SQLite's single writer makes the select-and-lease
// atomic, and a second claimer sees the pushed available_at.
const std::string kClaim =
    "UPDATE outbox SET available_at = ?4 WHERE id IN (SELECT id FROM outbox WHERE kind = ?1 AND "
    "sent_at IS NULL AND given_up_at IS NULL AND available_at <= ?2 ORDER BY id LIMIT ?3) "
    "RETURNING " +
    kCols;
const std::string kSent = "UPDATE outbox SET sent_at = ?1 WHERE id = ?2 AND sent_at IS NULL";
const std::string kRetry =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?1, available_at = ?2 "
    "WHERE id = ?3 AND sent_at IS NULL";
const std::string kGiveUp =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?1, given_up_at = ?2 "
    "WHERE id = ?3 AND sent_at IS NULL";
const std::string kPurgeFinished =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < ?1 AND "
    "(sent_at IS NOT NULL OR given_up_at IS NOT NULL) ORDER BY id LIMIT ?2)";
const std::string kPending =
    "SELECT count(*) FROM outbox WHERE kind = ?1 AND sent_at IS NULL AND given_up_at IS NULL";

const std::string kEnqueueWebhook =
    "INSERT INTO outbox (kind, endpoint, payload, created_at, available_at) "
    "VALUES ('webhook', ?1, ?2, ?3, ?3) RETURNING id";
// Head of line: only the endpoint's oldest pending delivery may be claimed, and only when it
// is available; a later one never overtakes it. One statement, so one write transaction.
const std::string kClaimWebhook =
    "UPDATE outbox SET available_at = ?3 WHERE id = (SELECT min(id) FROM outbox "
    "WHERE kind = 'webhook' AND endpoint = ?1 AND sent_at IS NULL AND given_up_at IS NULL) "
    "AND available_at <= ?2 RETURNING " +
    kCols;
const std::string kListWebhooks =
    "SELECT " + kCols + " FROM outbox WHERE kind = 'webhook' ORDER BY id DESC LIMIT ?1";
const std::string kListFailedWebhooks =
    "SELECT " + kCols +
    " FROM outbox WHERE kind = 'webhook' AND given_up_at IS NOT NULL ORDER BY id DESC LIMIT ?1";
const std::string kRetryWebhook =
    "UPDATE outbox SET given_up_at = NULL, available_at = ?2 WHERE id = ?1 AND kind = 'webhook' "
    "AND given_up_at IS NOT NULL AND sent_at IS NULL";

Result<OutboxMessage> decode(const Statement& row) { return decode_outbox_message(row); }

}  // namespace

Result<std::int64_t> SqliteOutboxRepository::enqueue(const std::string& kind,
                                                     const std::string& payload,
                                                     Timestamp available_at) {
  auto id = fetch_optional<std::int64_t>(pool_, kEnqueue, decode_int64, kind, payload,
                                         format_iso8601(now_utc()), format_iso8601(available_at));
  if (!id) return id.error();
  if (!*id) return Error::internal("INSERT ... RETURNING yielded no row");
  return **id;
}

Result<std::vector<OutboxMessage>> SqliteOutboxRepository::claim(const std::string& kind, int limit,
                                                                 Timestamp now,
                                                                 std::chrono::seconds lease) {
  if (limit <= 0) return std::vector<OutboxMessage>();
  auto rows =
      fetch_all<OutboxMessage>(pool_, kClaim, decode, kind, format_iso8601(now),
                               static_cast<std::int64_t>(limit), format_iso8601(now + lease));
  if (!rows) return rows.error();
  std::sort(rows->begin(), rows->end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return rows;
}

Status SqliteOutboxRepository::mark_sent(std::int64_t id, Timestamp at) {
  auto changed = execute(pool_, kSent, format_iso8601(at), id);
  if (!changed) return changed.error();
  return ok();
}

Status SqliteOutboxRepository::mark_failed(std::int64_t id, const std::string& error,
                                           std::optional<Timestamp> retry_at) {
  auto changed = retry_at ? execute(pool_, kRetry, error, format_iso8601(*retry_at), id)
                          : execute(pool_, kGiveUp, error, format_iso8601(now_utc()), id);
  if (!changed) return changed.error();
  return ok();
}

Result<std::int64_t> SqliteOutboxRepository::purge_finished(Timestamp before, std::int64_t limit) {
  if (limit <= 0) return 0;
  return execute(pool_, kPurgeFinished, format_iso8601(before), limit);
}

Result<std::int64_t> SqliteOutboxRepository::count_pending(const std::string& kind) {
  auto rows = fetch_all<std::int64_t>(pool_, kPending, decode_int64, kind);
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

Result<std::int64_t> SqliteOutboxRepository::enqueue_webhook(const std::string& endpoint,
                                                             const std::string& payload,
                                                             Timestamp created_at) {
  auto id = fetch_optional<std::int64_t>(pool_, kEnqueueWebhook, decode_int64, endpoint, payload,
                                         format_iso8601(created_at));
  if (!id) return id.error();
  if (!*id) return Error::internal("INSERT ... RETURNING yielded no row");
  return **id;
}

Result<std::optional<OutboxMessage>> SqliteOutboxRepository::claim_webhook(
    const std::string& endpoint, Timestamp now, std::chrono::seconds lease) {
  return fetch_optional<OutboxMessage>(pool_, kClaimWebhook, decode, endpoint, format_iso8601(now),
                                       format_iso8601(now + lease));
}

Result<std::vector<OutboxMessage>> SqliteOutboxRepository::list_webhooks(bool failed_only,
                                                                         std::int64_t limit) {
  if (limit <= 0) return std::vector<OutboxMessage>();
  return fetch_all<OutboxMessage>(pool_, failed_only ? kListFailedWebhooks : kListWebhooks, decode,
                                  limit);
}

Result<bool> SqliteOutboxRepository::retry_webhook(std::int64_t id, Timestamp now) {
  auto changed = execute(pool_, kRetryWebhook, id, format_iso8601(now));
  if (!changed) return changed.error();
  return *changed > 0;
}

}  // namespace gatehouse::store::sqlite
