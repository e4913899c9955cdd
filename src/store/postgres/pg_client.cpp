#include "store/postgres/pg_client.hpp"

#include <chrono>

#include "store/postgres/pg_dsn.hpp"
#include "store/sql_label.hpp"

namespace gatehouse::store::postgres {

namespace {

constexpr int kDefaultConnectTimeoutSeconds = 5;

int connect_timeout(const config::DatabaseSettings& settings) {
  return settings.connect_timeout_seconds > 0 ? settings.connect_timeout_seconds
                                              : kDefaultConnectTimeoutSeconds;
}

ConnectOptions connect_options(const config::DatabaseSettings& settings) {
  ConnectOptions o;
  o.url = libpq_url(settings.url);
  o.connect_timeout_seconds = connect_timeout(settings);
  o.secrets = dsn_secrets(settings.url);
  return o;
}

}  // namespace

PgClient::PgClient(const config::DatabaseSettings& settings)
    : pool_(settings.pool_size > 0 ? static_cast<std::size_t>(settings.pool_size) : 1,
            // A caller waits for a busy pool as long as it would wait for a new connection.
            std::chrono::seconds(connect_timeout(settings)),
            [options = connect_options(settings)] { return Connection::open(options); }) {}

Result<PgClient::Pool::Lease> PgClient::acquire() {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  if (!lease->borrowed() && !(*lease)->ready_for_use()) {
    if (auto s = lease->reconnect(); !s) return s.error();
  }
  return lease;
}

Result<PgResult> PgClient::query(const std::string& sql, const Params& params, Retry retry) {
  auto lease = acquire();
  if (!lease) return lease.error();
  PgResult res = (*lease)->execute(sql, params);
  if (res.ok()) return res;
  if ((*lease)->broken() && retry == Retry::kIdempotent && !lease->borrowed()) {
    if (auto s = lease->reconnect(); !s) return s.error();
    res = (*lease)->execute(sql, params);
    if (res.ok()) return res;
  }
  Error e = (*lease)->error(res, sql_label(sql));
  if ((*lease)->broken()) lease->discard();
  return e;
}

Status PgClient::in_transaction(const std::function<Status()>& fn) {
  if (pool_.bound_connection() != nullptr) return fn();
  auto lease = acquire();
  if (!lease) return lease.error();
  Status result = pool_.run_bound<Transaction>(*lease, fn);
  if ((*lease)->broken()) lease->discard();
  return result;
}

}  // namespace gatehouse::store::postgres
