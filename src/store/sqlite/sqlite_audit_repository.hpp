#pragma once
#include "store/audit_repository.hpp"
#include "store/sqlite/sqlite_pool.hpp"

namespace gatehouse::store::sqlite {

// Appends `event` on `conn` (inside the caller's transaction): the session repository stores a
// sign-in's event with its session.
Result<std::int64_t> append_audit_event(Connection& conn, const AuditEvent& event);

class SqliteAuditRepository final : public AuditRepository {
 public:
  explicit SqliteAuditRepository(Pool& pool) : pool_(pool) {}

  // AuditRepository
  Result<std::int64_t> append(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> list(const AuditQuery& q, std::int64_t offset,
                                       std::int64_t limit) override;
  Result<std::int64_t> count(const AuditQuery& q) override;
  Result<std::vector<AuditEvent>> list_after(std::int64_t after_id, std::int64_t limit) override;
  Result<std::int64_t> purge_before(Timestamp before, std::int64_t limit) override;

 private:
  Pool& pool_;
};

}  // namespace gatehouse::store::sqlite
