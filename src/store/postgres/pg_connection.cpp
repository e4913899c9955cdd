#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <string_view>

#include "store/postgres/pg_dsn.hpp"
#include "store/query_timer.hpp"

namespace gatehouse::store::postgres {

namespace {

constexpr const char* kUnavailableMessage = "Database unavailable";

// Every session reads and writes timestamps in UTC text, whatever the server's defaults.
constexpr const char* kSessionSetup = "SET TIME ZONE 'UTC'; SET DateStyle TO 'ISO, YMD'";

// IF EXISTS / IF NOT EXISTS notices would otherwise be printed on stderr by libpq.
void ignore_notice(void*, const char*) {}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  }
  int count() const { return static_cast<int>(values.size()); }
  const char* const* data() const { return values.empty() ? nullptr : values.data(); }
};

}  // namespace

// PgResult

void PgResult::Clear::operator()(pg_result* r) const { PQclear(r); }

bool PgResult::ok() const {
  if (!res_) return false;
  const auto status = PQresultStatus(res_.get());
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

int PgResult::rows() const { return res_ ? PQntuples(res_.get()) : 0; }

bool PgResult::is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }

std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(res_.get(), row, col),
                     static_cast<std::size_t>(PQgetlength(res_.get(), row, col)));
}

std::optional<std::int64_t> PgRow::int64(int col) const {
  if (is_null(col)) return std::nullopt;
  const std::string s = text(col);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> PgRow::boolean(int col) const {
  if (is_null(col)) return std::nullopt;
  const std::string s = text(col);
  if (s == "t") return true;
  if (s == "f") return false;
  return std::nullopt;
}

// Connection

Result<std::unique_ptr<Connection>> Connection::open(const ConnectOptions& options) {
  const std::string timeout = std::to_string(options.connect_timeout_seconds);
  // Keywords before "dbname" may be overridden by the URL, those after it override the URL
  // (libpq processes the arrays in order): the URL may rename the application, but the
  // configured timeout and our encoding always apply.
  const char* keywords[] = {"application_name", "dbname", "connect_timeout", "client_encoding",
                            nullptr};
  const char* values[] = {"gatehouse", options.url.c_str(), timeout.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return Error::unavailable(kUnavailableMessage, "PostgreSQL connect: out of memory");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    Error e = Error::unavailable(
        kUnavailableMessage,
        redact("PostgreSQL connect: " + trim(PQerrorMessage(conn)), options.secrets));
    PQfinish(conn);
    return e;
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  std::unique_ptr<Connection> c(new Connection(conn, options.secrets));
  PgResult setup = c->execute_script(kSessionSetup);
  if (!setup.ok()) return c->error(setup, "session setup");
  return c;
}

Connection::~Connection() { PQfinish(conn_); }

PgResult Connection::execute(const std::string& sql, const Params& params) {
  const QueryTimer timer(sql);
  const ParamArrays p(params);
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "gh" + std::to_string(prepared_.size() + 1);
    // Parameter types are inferred by the server; the SQL casts where inference is
    // ambiguous or would pin an OID (enum types are recreated by drop_all in tests).
    PgResult prepared(PQprepare(conn_, name.c_str(), sql.c_str(), p.count(), nullptr));
    if (!prepared.ok()) return prepared;
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  return PgResult(PQexecPrepared(conn_, it->second.c_str(), p.count(), p.data(), nullptr, nullptr,
                                 /*resultFormat=*/0));
}

PgResult Connection::execute_once(const std::string& sql, const Params& params) {
  const QueryTimer timer(sql);
  const ParamArrays p(params);
  return PgResult(PQexecParams(conn_, sql.c_str(), p.count(), nullptr, p.data(), nullptr, nullptr,
                               /*resultFormat=*/0));
}

PgResult Connection::execute_script(const std::string& sql) {
  return PgResult(PQexec(conn_, sql.c_str()));
}

bool Connection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

bool Connection::ready_for_use() const {
  if (PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    return false;
  }
  pollfd pfd{};
  pfd.fd = PQsocket(conn_);
  pfd.events = POLLIN;
  if (pfd.fd < 0) return false;
  return poll(&pfd, 1, 0) == 0;
}

bool Connection::in_transaction() const {
  const auto status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool Connection::transaction_failed() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

std::string Connection::last_message() const {
  return redact(trim(PQerrorMessage(conn_)), secrets_);
}

Error Connection::connection_error(const std::string& what) const {
  return Error::unavailable(kUnavailableMessage,
                            "PostgreSQL " + what + ": connection lost: " + last_message());
}

Error Connection::error(const PgResult& res, const std::string& what) const {
  if (res.get() == nullptr || broken()) return connection_error(what);
  const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
  const std::string_view code = state != nullptr ? state : "?????";
  // The primary message only: DETAIL would copy row values (emails) into the logs.
  const std::string message = primary != nullptr ? primary : trim(PQresultErrorMessage(res.get()));
  const std::string cause =
      redact("PostgreSQL " + what + ": " + std::string(code) + " " + message, secrets_);
  auto with_cause = [&cause](Error e) {
    e.cause = cause;
    return e;
  };
  if (code == "23505") return with_cause(Error::conflict("Conflict"));
  if (code == "23503") return with_cause(Error::not_found("Referenced row not found"));
  if (code == "22001" || code == "23514" || code == "22P02" || code == "23502") {
    return with_cause(Error::invalid_input("Invalid value"));
  }
  // Connection exceptions, the server shutting down or starting, too many connections.
  if (code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03" ||
      code == "53300") {
    return Error::unavailable(kUnavailableMessage, cause);
  }
  return Error::internal(cause);
}

// Transaction

Result<Transaction> Transaction::begin(Connection& conn) {
  const bool savepoint = conn.in_transaction();
  const char* sql = savepoint ? "SAVEPOINT gh_tx" : "BEGIN";
  PgResult res = conn.execute_script(sql);
  if (!res.ok()) return conn.error(res, sql);
  return Transaction(conn, savepoint);
}

Transaction::~Transaction() {
  if (conn_ == nullptr || conn_->broken()) return;
  // ROLLBACK TO keeps the savepoint open; RELEASE then ends it (its changes undone).
  (void)conn_->execute_script(savepoint_ ? "ROLLBACK TO SAVEPOINT gh_tx; RELEASE SAVEPOINT gh_tx"
                                         : "ROLLBACK");
}

Status Transaction::commit() {
  // COMMIT of an aborted transaction answers "ROLLBACK" with no error: say it did not commit.
  if (!savepoint_ && conn_->transaction_failed()) {
    return Error::internal("PostgreSQL COMMIT: the transaction was aborted by a failed statement");
  }
  const char* sql = savepoint_ ? "RELEASE SAVEPOINT gh_tx" : "COMMIT";
  PgResult res = conn_->execute_script(sql);
  if (!res.ok()) return conn_->error(res, sql);
  conn_ = nullptr;
  return ok();
}

}  // namespace gatehouse::store::postgres
