#pragma once
// Readiness: is the database reachable and its schema in place, and Redis (when
// configured) answering? /ready reports this; /heartbeat deliberately does not (liveness
// must not depend on dependencies).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "core/result.hpp"
#include "store/database.hpp"

namespace gatehouse::services {

struct ReadyReport {
  bool database_ok = false;
  std::string redis = "disabled";  // "ok" | "error" | "disabled"
  bool ok() const { return database_ok && redis != "error"; }
};

class HealthService {
 public:
  // With `auto_migrate`, the schema is brought up to date the first time the database is
  // reachable, so a server started while PostgreSQL was down recovers by itself.
  // `redis_ping`: true when Redis answers; empty when Redis is not configured ("disabled").
  HealthService(store::Database& db, bool auto_migrate, std::function<bool()> redis_ping = {});

  // Pings the database (and migrates once if still needed) and Redis. Safe for concurrent
  // use.
  ReadyReport check();

  // Tries to make the schema current; true once it is (or when migration is disabled).
  // The composition root calls this at start and retries it in the background.
  bool ensure_schema();

 private:
  store::Database& db_;
  bool auto_migrate_;
  std::function<bool()> redis_ping_;
  std::atomic<bool> schema_ready_{false};
  std::mutex migrate_mutex_;
};

}  // namespace gatehouse::services
