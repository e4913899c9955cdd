#pragma once
#include "store/audit_repository.hpp"
#include "store/postgres/pg_client.hpp"

namespace gatehouse::store::postgres {

class PostgresAuditRepository final : public AuditRepository {
 public:
  explicit PostgresAuditRepository(PgClient& client) : client_(client) {}

  // AuditRepository
  Result<std::int64_t> append(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> list(const AuditQuery& q, std::int64_t offset,
                                       std::int64_t limit) override;
  Result<std::int64_t> count(const AuditQuery& q) override;
  Result<std::vector<AuditEvent>> list_after(std::int64_t after_id, std::int64_t limit) override;
  Result<std::int64_t> purge_before(Timestamp before, std::int64_t limit) override;

 private:
  PgClient& client_;
};

}  // namespace gatehouse::store::postgres
