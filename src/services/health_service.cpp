#include "services/health_service.hpp"

#include "observability/log.hpp"

namespace gatehouse::services {

HealthService::HealthService(store::Database& db, bool auto_migrate,
                             std::function<bool()> redis_ping)
    : db_(db), auto_migrate_(auto_migrate), redis_ping_(std::move(redis_ping)) {
  if (!auto_migrate_) schema_ready_ = true;
}

bool HealthService::ensure_schema() {
  if (schema_ready_) return true;
  std::lock_guard lock(migrate_mutex_);
  if (schema_ready_) return true;
  const Status migrated = db_.migrate();
  if (!migrated) {
    obs::warning(obs::Category::kDatabase, "database not ready: {}", migrated.error().cause);
    return false;
  }
  obs::info(obs::Category::kDatabase, "database schema is current ({})", db_.backend_name());
  schema_ready_ = true;
  return true;
}

ReadyReport HealthService::check() {
  ReadyReport report;
  const Status ping = db_.ping();
  report.database_ok = ping.has_value() && ensure_schema();
  if (redis_ping_) report.redis = redis_ping_() ? "ok" : "error";
  return report;
}

}  // namespace gatehouse::services
