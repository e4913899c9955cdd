#pragma once
// PgClient: the PostgreSQL connection pool and the policy for using it. Every statement
// runs on a connection checked out for that statement; a connection found dead before use
// is replaced, and one that dies during an idempotent statement is replaced and the
// statement retried once, so Gatehouse rides through a PostgreSQL restart without a restart
// of its own.
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "store/connection_pool.hpp"
#include "store/postgres/pg_connection.hpp"

namespace gatehouse::store::postgres {

// Whether a statement may run twice when the connection died under it (the server may or
// may not have executed the first attempt).
enum class Retry { kNever, kIdempotent };

class PgClient {
 public:
  using Pool = ConnectionPool<Connection>;

  // Never connects: connections are made on first use, so Gatehouse can start (and report
  // kUnavailable) while PostgreSQL is down.
  explicit PgClient(const config::DatabaseSettings& settings);

  // Runs one (lazily prepared) statement. The mapped error when it fails. Inside
  // in_transaction() it runs on the transaction's connection and is never retried: a new
  // connection would be outside the transaction.
  Result<PgResult> query(const std::string& sql, const Params& params, Retry retry);

  // Runs `fn(Connection&) -> Result<T>` with one connection for several statements (a
  // transaction). No retry: the function decides what to do with failures. A connection
  // left broken is discarded.
  template <class F>
  auto with_connection(F&& fn) -> std::invoke_result_t<F, Connection&> {
    auto lease = acquire();
    if (!lease) return lease.error();
    auto result = fn(**lease);
    if ((*lease)->broken()) lease->discard();
    return result;
  }

  // Database::in_transaction: BEGIN on a connection bound to this thread (every query() and
  // with_connection() of the thread runs on it; Transaction::begin makes savepoints), COMMIT
  // when fn returns ok, ROLLBACK otherwise. A call on a thread already inside joins it. A
  // statement that fails aborts the whole transaction on PostgreSQL (later statements fail
  // and the COMMIT is refused), so fn should return the first error it gets.
  Status in_transaction(const std::function<Status()>& fn);

  // Closes every pooled connection (see ConnectionPool::invalidate).
  void invalidate() { pool_.invalidate(); }

 private:
  // A lease on a connection that is ready_for_use(), reconnecting a dead one; inside
  // in_transaction(), a borrowed lease on the transaction's connection, unchecked.
  Result<Pool::Lease> acquire();

  Pool pool_;
};

}  // namespace gatehouse::store::postgres
