#include "app/serve.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "api/assets.hpp"
#include "api/context.hpp"
#include "api/routes.hpp"
#include "app/components.hpp"
#include "app/database_factory.hpp"
#include "app/descriptor_budget.hpp"
#include "config/loader.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "observability/log.hpp"
#include "observability/standard_metrics.hpp"
#include "services/health_service.hpp"

namespace gatehouse::app {

namespace {

// Retries the schema upgrade in the background while the database is unreachable at start,
// so the server recovers without a restart when it comes back.
class SchemaRetry {
 public:
  explicit SchemaRetry(services::HealthService& health) : health_(health) {}
  ~SchemaRetry() { stop(); }

  void start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        cv_.wait_for(lock, std::chrono::seconds(2));
        if (stopping_) break;
        lock.unlock();
        const bool ready = health_.ensure_schema();
        lock.lock();
        if (ready) {
          obs::startup(obs::Level::kInfo, "database is reachable again; schema is current");
          break;
        }
      }
    });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  services::HealthService& health_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

std::string describe_database(const config::DatabaseSettings& db) {
  if (db.backend == config::DatabaseBackend::kSqlite) return "sqlite " + db.sqlite_path;
  return config::mask_url_password(db.url);
}

// A refusal to start names the variable and the reason. Those are in `cause` (the public
// message of an internal error is "Internal Server Error", which says nothing here); causes
// never carry secret values, as they go to the logs too.
int refuse_to_start(const Error& e) {
  std::fprintf(stderr, "gatehouse: %s\n", (e.cause.empty() ? e.public_message : e.cause).c_str());
  return 1;
}

}  // namespace

int serve(const config::Settings& settings) {
  // First, before anything opens files: the soft limit is often 1024 while the hard one is
  // far higher, and each client connection costs a descriptor.
  const std::uint64_t open_files_limit = raise_open_files_limit();
  if (Status logging = obs::init_logging(settings.log); !logging) {
    return refuse_to_start(logging.error());
  }
  struct LogGuard {
    ~LogGuard() { obs::shutdown_logging(); }
  } log_guard;

  obs::set_metrics_namespace(settings.metrics_namespace());
  auto built = build_components(settings, ComponentsFor::kServer);
  if (!built) return refuse_to_start(built.error());
  Components& c = **built;
  store::Database* db = c.db.get();
  services::HealthService& health = *c.health;
  SchemaRetry retry(health);
  if (settings.database.auto_migrate && !health.ensure_schema()) {
    const Status ping = db->ping();
    obs::startup(obs::Level::kError,
                 "DATABASE_URL: database " + describe_database(settings.database) +
                     " is not reachable" + (ping ? std::string() : ": " + ping.error().cause) +
                     ". Serving anyway: /ready answers 503 until it is back.");
    retry.start();
  }
  c.mail_worker->start();
  if (c.webhook_worker) c.webhook_worker->start();
  c.mail_requests->start();
  c.housekeeping->start(std::chrono::minutes(10));
  // Failed logins are padded to the slowest password hash stored: know them before serving,
  // and look again every few minutes (imports, other instances).
  if (Status census = c.login_timing->refresh(db->users()); !census) {
    obs::startup(obs::Level::kWarning, "password hash census failed (retried in the background): " +
                                           census.error().cause);
  }
  c.login_timing->start(db->users(), std::chrono::minutes(5));

  const api::Assets assets(settings.templates_dir, settings.static_dir);
  const api::ApiContext ctx = api_context(c, assets);
  http::Router router;
  api::register_all_routes(router, ctx);
  http::Pipeline pipeline(settings, router);
  http::Server server(settings.server, pipeline);
  if (Status listening = server.listen(); !listening) return refuse_to_start(listening.error());
  // Everything that stays open is open now (pool handles opened later are counted ahead).
  const DescriptorBudget budget =
      connection_budget(open_files_limit, open_descriptor_count() + descriptors_to_come(settings),
                        settings.server.max_connections);
  if (budget.max_connections < 1) {
    return refuse_to_start(Error::internal(
        "open-file limit (ulimit -n) of " + std::to_string(budget.limit) +
        " descriptors leaves no room for connections: " + std::to_string(budget.reserved) +
        " are needed for the database, Redis, logs, mail and a margin"));
  }
  if (budget.clamped) {
    obs::startup(obs::Level::kWarning, describe_clamp(budget, settings.server.max_connections));
  }
  server.cap_connections(budget.max_connections);
  server.on_draining([&retry] { retry.stop(); });
  obs::startup(obs::Level::kInfo, "Gatehouse " GATEHOUSE_VERSION " listening on http://" +
                                      settings.server.host + ":" + std::to_string(server.port()) +
                                      " (" + describe_database(settings.database) + ")");
  server.run();
  retry.stop();
  obs::startup(obs::Level::kInfo, "Gatehouse stopped");
  return 0;
}

}  // namespace gatehouse::app
