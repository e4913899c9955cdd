#pragma once
#include "store/outbox_repository.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

class SqliteOutboxRepository final : public OutboxRepository {
 public:
  explicit SqliteOutboxRepository(Pool& pool) : pool_(pool) {}

  // OutboxRepository
  Result<std::int64_t> enqueue(const std::string& kind, const std::string& payload,
                               Timestamp available_at) override;
  Result<std::vector<OutboxMessage>> claim(const std::string& kind, int limit, Timestamp now,
                                           std::chrono::seconds lease) override;
  Status mark_sent(std::int64_t id, Timestamp at) override;
  Status mark_failed(std::int64_t id, const std::string& error,
                     std::optional<Timestamp> retry_at) override;
  Result<std::int64_t> count_pending(const std::string& kind) override;
  Result<std::int64_t> purge_finished(Timestamp before, std::int64_t limit) override;
  Result<std::int64_t> enqueue_webhook(const std::string& endpoint, const std::string& payload,
                                       Timestamp created_at) override;
  Result<std::optional<OutboxMessage>> claim_webhook(const std::string& endpoint, Timestamp now,
                                                     std::chrono::seconds lease) override;
  Result<std::vector<OutboxMessage>> list_webhooks(bool failed_only, std::int64_t limit) override;
  Result<bool> retry_webhook(std::int64_t id, Timestamp now) override;

 private:
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
