#pragma once
// The storage seam: one interface, a SQLite and a PostgreSQL implementation
// (store/sqlite, store/postgres). Implementations are safe for concurrent use from
// many threads; each call checks a connection out of the backend's pool.
#include <functional>
#include <memory>
#include <string_view>

#include "core/result.hpp"
#include "store/api_key_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/import_repository.hpp"
#include "store/mfa_repository.hpp"
#include "store/outbox_repository.hpp"
#include "store/session_repository.hpp"
#include "store/used_token_repository.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store {

template <class Conn>
class ConnectionPool;
namespace sqlite {
class Connection;
}
namespace postgres {
class PgClient;
}

class Database {
 public:
  virtual ~Database() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view backend_name() const = 0;

  // One cheap round trip. kUnavailable (with the driver's message as cause) when the
  // server cannot be reached; never throws.
  virtual Status ping() = 0;

  // Applies every embedded migration not yet recorded in schema_migrations, each in its
  // own transaction, serialised across processes. kUnavailable when unreachable.
  virtual Status migrate() = 0;

  // Highest applied migration version, 0 for an empty database.
  virtual Result<int> schema_version() = 0;

  // Drops every table and type that the migrations created (schema_migrations included).
  virtual Status drop_all() = 0;

  virtual UserRepository& users() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual UsedTokenRepository& used_tokens() = 0;
  virtual OutboxRepository& outbox() = 0;
  virtual MfaRepository& mfa() = 0;
  virtual AuditRepository& audit() = 0;
  virtual ImportRepository& imports() = 0;

  // Runs `fn` with every repository call this thread makes inside one transaction on one
  // connection: committed when fn returns ok, rolled back when it returns an error (which is
  // returned) or throws. So a change and the audit event that records it are stored
  // together or not at all. A call while this thread is already inside joins the outer
  // transaction. A repository method that has a transaction of its own runs it as a
  // savepoint. Keep costly work (password hashing, network calls) out of fn: on SQLite it
  // holds the write lock.
  virtual Status in_transaction(const std::function<Status()>& fn) = 0;

  // For repositories kept outside store/ (extensions, docs/extending.md): the backend's
  // connections, exactly one of the two non-null. Calls through them join in_transaction()
  // like the core repositories' calls do.
  virtual ConnectionPool<sqlite::Connection>* sqlite_pool() { return nullptr; }
  virtual postgres::PgClient* postgres_client() { return nullptr; }
};

using DatabasePtr = std::unique_ptr<Database>;

}  // namespace gatehouse::store
