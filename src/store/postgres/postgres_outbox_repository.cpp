#include "store/postgres/postgres_outbox_repository.hpp"

#include <algorithm>

#include "store/postgres/pg_query.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

const std::string kCols = kOutboxColumns;

const std::string kEnqueue =
    "INSERT INTO outbox (kind, payload, created_at, available_at) "
    "VALUES ($1, $2, $3::timestamptz, $4::timestamptz) RETURNING id";
// SKIP LOCKED: concurrent claimers take disjoint rows without waiting on each other; a row
// leased by a claim that committed meanwhile is re-checked and no longer qualifies.
const std::string kClaim =
    "UPDATE outbox SET available_at = $4::timestamptz WHERE id IN (SELECT id FROM outbox "
    "WHERE kind = $1 AND sent_at IS NULL AND given_up_at IS NULL "
    "AND available_at <= $2::timestamptz ORDER BY id LIMIT $3::bigint FOR UPDATE SKIP LOCKED) "
    "RETURNING " +
    kCols;
const std::string kSent =
    "UPDATE outbox SET sent_at = $1::timestamptz WHERE id = $2::bigint AND sent_at IS NULL";
const std::string kRetry =
    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, available_at = $2::timestamptz "
    "WHERE id = $3::bigint AND sent_at IS NULL";
const std::string kGiveUp =
    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, given_up_at = $2::timestamptz "
    "WHERE id = $3::bigint AND sent_at IS NULL";
const std::string kPurgeFinished =
    "WITH gone AS (DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < "
    "$1::timestamptz AND (sent_at IS NOT NULL OR given_up_at IS NOT NULL) ORDER BY id "
    "LIMIT $2::bigint) RETURNING 1) SELECT count(*) FROM gone";
const std::string kPending =
    "SELECT count(*) FROM outbox WHERE kind = $1 AND sent_at IS NULL AND given_up_at IS NULL";

const std::string kEnqueueWebhook =
    "INSERT INTO outbox (kind, endpoint, payload, created_at, available_at) "
    "VALUES ('webhook', $1, $2, $3::timestamptz, $3::timestamptz) RETURNING id";
// Head of line: the endpoint's oldest pending delivery, claimed only when it is available and
// not locked by another claimer (SKIP LOCKED: then nothing, never the next one). A head leased,
// sent or given up on by a claim that committed meanwhile is re-checked and no longer
// qualifies.
const std::string kClaimWebhook =
    "UPDATE outbox SET available_at = $3::timestamptz WHERE id = (SELECT id FROM outbox "
    "WHERE id = (SELECT min(id) FROM outbox WHERE kind = 'webhook' AND endpoint = $1 "
    "AND sent_at IS NULL AND given_up_at IS NULL) "
    "AND available_at <= $2::timestamptz AND sent_at IS NULL AND given_up_at IS NULL "
    "FOR UPDATE SKIP LOCKED) RETURNING " +
    kCols;
const std::string kListWebhooks =
    "SELECT " + kCols + " FROM outbox WHERE kind = 'webhook' ORDER BY id DESC LIMIT $1::bigint";
const std::string kListFailedWebhooks =
    "SELECT " + kCols +
    " FROM outbox WHERE kind = 'webhook' AND given_up_at IS NOT NULL ORDER BY id DESC "
    "LIMIT $1::bigint";
const std::string kRetryWebhook =
    "UPDATE outbox SET given_up_at = NULL, available_at = $2::timestamptz WHERE id = $1::bigint "
    "AND kind = 'webhook' AND given_up_at IS NOT NULL AND sent_at IS NULL RETURNING 1";

Result<OutboxMessage> decode(const PgRow& row) { return decode_outbox_message(row); }

}  // namespace

Result<std::int64_t> PostgresOutboxRepository::enqueue(const std::string& kind,
                                                       const std::string& payload,
                                                       Timestamp available_at) {
  auto res =
      client_.query(kEnqueue, {param(kind), param(payload), param(now_utc()), param(available_at)},
                    Retry::kNever);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::vector<OutboxMessage>> PostgresOutboxRepository::claim(const std::string& kind,
                                                                   int limit, Timestamp now,
                                                                   std::chrono::seconds lease) {
  if (limit <= 0) return std::vector<OutboxMessage>();
  // Not retried: a claim that did commit has leased its rows; retrying would return others
  // (or none) and leave those leased until the lease expires. Harmless, but pointless.
  auto res = client_.query(kClaim,
                           {param(kind), param(now), param(static_cast<std::int64_t>(limit)),
                            param(Timestamp(now + lease))},
                           Retry::kNever);
  if (!res) return res.error();
  auto rows = decode_all<OutboxMessage>(*res, decode);
  if (!rows) return rows.error();
  std::sort(rows->begin(), rows->end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return rows;
}

Status PostgresOutboxRepository::mark_sent(std::int64_t id, Timestamp at) {
  auto res = client_.query(kSent, {param(at), param(id)}, Retry::kIdempotent);
  if (!res) return res.error();
  return ok();
}

Status PostgresOutboxRepository::mark_failed(std::int64_t id, const std::string& error,
                                             std::optional<Timestamp> retry_at) {
  // Not retried: attempts would be counted twice.
  auto res =
      retry_at ? client_.query(kRetry, {param(error), param(*retry_at), param(id)}, Retry::kNever)
               : client_.query(kGiveUp, {param(error), param(now_utc()), param(id)}, Retry::kNever);
  if (!res) return res.error();
  return ok();
}

Result<std::int64_t> PostgresOutboxRepository::count_pending(const std::string& kind) {
  auto res = client_.query(kPending, {param(kind)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::int64_t> PostgresOutboxRepository::purge_finished(Timestamp before,
                                                              std::int64_t limit) {
  if (limit <= 0) return 0;
  // Retried: a batch that did commit is gone, and the next one is just as good.
  auto res = client_.query(kPurgeFinished, {param(before), param(limit)}, Retry::kIdempotent);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::int64_t> PostgresOutboxRepository::enqueue_webhook(const std::string& endpoint,
                                                               const std::string& payload,
                                                               Timestamp created_at) {
  // Not retried: a delivery enqueued twice is sent twice.
  auto res = client_.query(kEnqueueWebhook, {param(endpoint), param(payload), param(created_at)},
                           Retry::kNever);
  if (!res) return res.error();
  return decode_scalar(*res);
}

Result<std::optional<OutboxMessage>> PostgresOutboxRepository::claim_webhook(
    const std::string& endpoint, Timestamp now, std::chrono::seconds lease) {
  // Not retried, as claim().
  auto res = client_.query(
      kClaimWebhook, {param(endpoint), param(now), param(Timestamp(now + lease))}, Retry::kNever);
  if (!res) return res.error();
  return decode_first<OutboxMessage>(*res, decode);
}

Result<std::vector<OutboxMessage>> PostgresOutboxRepository::list_webhooks(bool failed_only,
                                                                           std::int64_t limit) {
  if (limit <= 0) return std::vector<OutboxMessage>();
  auto res = client_.query(failed_only ? kListFailedWebhooks : kListWebhooks, {param(limit)},
                           Retry::kIdempotent);
  if (!res) return res.error();
  return decode_all<OutboxMessage>(*res, decode);
}

Result<bool> PostgresOutboxRepository::retry_webhook(std::int64_t id, Timestamp now) {
  // Not retried: a retry that did commit would answer false the second time.
  auto res = client_.query(kRetryWebhook, {param(id), param(now)}, Retry::kNever);
  if (!res) return res.error();
  return res->rows() > 0;
}

}  // namespace gatehouse::store::postgres
