#pragma once
// ConnectionPool<Conn>: up to `max_size` connections, created lazily by a factory, checked
// out one per operation. Used by both storage backends (sqlite3 handles, libpq connections).
//
// Connections are created on demand, outside the lock, so a slow or failing connect (a
// PostgreSQL server that is down) never blocks threads that could use an idle connection,
// and constructing a pool never touches the database. A lease whose connection turned out to
// be broken is discarded instead of returned, so the pool heals after a server restart.
//
// A thread may bind one of its leases to the pool (bind(), for Database::in_transaction):
// until the binding ends, acquire() on that thread hands out borrowed leases on the bound
// connection, so every statement the thread runs meanwhile is part of the same transaction.
// Other threads are not affected.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace gatehouse::store {

template <class Conn>
class ConnectionPool {
 public:
  using ConnPtr = std::unique_ptr<Conn>;
  // Opens a new connection; its error is returned as is from acquire().
  using Factory = std::function<Result<ConnPtr>()>;

  // One checked-out connection. Returns it to the pool on destruction unless discard()ed.
  // A borrowed lease (acquire() while the thread has a binding) owns nothing: destroying or
  // discarding it leaves the bound connection alone, and it cannot reconnect.
  class Lease {
   public:
    Lease(Lease&& other) noexcept { *this = std::move(other); }
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        release();
        pool_ = std::exchange(other.pool_, nullptr);
        conn_ = std::move(other.conn_);
        borrowed_ = std::exchange(other.borrowed_, nullptr);
        generation_ = other.generation_;
      }
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release(); }

    Conn& operator*() const { return borrowed_ != nullptr ? *borrowed_ : *conn_; }
    Conn* operator->() const { return borrowed_ != nullptr ? borrowed_ : conn_.get(); }

    // A lease on the connection bound to this thread (inside a transaction).
    bool borrowed() const { return borrowed_ != nullptr; }

    // Drops the connection (closed, not pooled): for one found broken. No-op when borrowed:
    // the binding's owner discards it when its transaction ends.
    void discard() {
      if (borrowed_ == nullptr) conn_.reset();
    }

    // Replaces a broken connection with a freshly opened one, keeping the pool slot. A
    // borrowed connection is not replaced (its transaction is lost with it): kUnavailable.
    Status reconnect() {
      if (borrowed_ != nullptr) {
        return Error::unavailable("Database unavailable",
                                  "connection lost inside a transaction: not reconnected");
      }
      conn_.reset();
      auto fresh = pool_->factory_();
      if (!fresh) return fresh.error();
      conn_ = std::move(*fresh);
      return ok();
    }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, ConnPtr conn, std::uint64_t generation)
        : pool_(pool), conn_(std::move(conn)), generation_(generation) {}
    explicit Lease(Conn* borrowed) : borrowed_(borrowed) {}

    void release() {
      if (pool_ != nullptr) pool_->give_back(std::move(conn_), generation_);
      pool_ = nullptr;
    }

    ConnectionPool* pool_ = nullptr;  // null for a borrowed lease
    ConnPtr conn_;
    Conn* borrowed_ = nullptr;
    std::uint64_t generation_ = 0;
  };

  // While alive, acquire() on the thread that made it returns borrowed leases on the bound
  // connection. Made by bind(); must end on the same thread, before the lease it binds.
  class Binding {
   public:
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;
    Binding(Binding&&) = delete;
    Binding& operator=(Binding&&) = delete;
    ~Binding() {
      auto& list = t_bindings;
      const auto it = std::find_if(list.begin(), list.end(),
                                   [this](const Bound& b) { return b.pool == pool_; });
      if (it != list.end()) list.erase(it);
    }

   private:
    friend class ConnectionPool;
    explicit Binding(const ConnectionPool* pool) : pool_(pool) {}
    const ConnectionPool* pool_;
  };

  // `checkout_timeout`: how long acquire() waits when all `max_size` connections are in use.
  ConnectionPool(std::size_t max_size, std::chrono::milliseconds checkout_timeout, Factory factory)
      : max_size_(max_size == 0 ? 1 : max_size),
        checkout_timeout_(checkout_timeout),
        factory_(std::move(factory)) {}

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Precondition: no lease outlives the pool.
  ~ConnectionPool() = default;

  // An idle connection, or a new one when fewer than max_size exist. kUnavailable when none
  // frees up within the checkout timeout; the factory's error when opening fails.
  // On a thread with a binding: a borrowed lease on the bound connection, at once.
  Result<Lease> acquire() {
    if (Conn* conn = bound_connection()) return Lease(conn);
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + checkout_timeout_;
    while (idle_.empty() && open_ >= max_size_) {
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= max_size_) {
        return Error::unavailable("Database unavailable", "connection pool exhausted");
      }
    }
    const std::uint64_t generation = generation_;
    if (!idle_.empty()) {
      ConnPtr conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn), generation);
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    auto conn = factory_();
    if (!conn) {
      lock.lock();
      --open_;
      freed_.notify_one();
      return conn.error();
    }
    return Lease(this, std::move(*conn), generation);
  }

  // Binds `lease` (not a borrowed one) to this pool on the calling thread; see Binding.
  // Precondition: the thread has no binding to this pool yet (see bound_connection()).
  [[nodiscard]] Binding bind(Lease& lease) {
    t_bindings.push_back(Bound{this, &*lease});
    return Binding(this);
  }

  // Runs `fn` in a transaction of type Tx (Tx::begin(Conn&) -> Result<Tx>, Tx::commit(), rolled
  // back by its destructor) on `lease`, bound to the calling thread meanwhile: committed when
  // fn returns ok; rolled back when it returns an error (returned) or throws (rethrown).
  template <class Tx>
  Status run_bound(Lease& lease, const std::function<Status()>& fn) {
    auto tx = Tx::begin(*lease);
    if (!tx) return tx.error();
    Status result = ok();
    {
      const Binding binding = bind(lease);
      result = fn();
    }
    if (!result) return result;
    return tx->commit();
  }

  // The connection bound to this pool on the calling thread, or nullptr.
  Conn* bound_connection() const {
    for (const Bound& b : t_bindings) {
      if (b.pool == this) return b.conn;
    }
    return nullptr;
  }

  // Closes every idle connection, and those in use when they come back. For schema resets
  // (drop_all) that would leave cached prepared statements pointing at dropped objects.
  void invalidate() {
    std::vector<ConnPtr> doomed;
    {
      std::lock_guard lock(mutex_);
      ++generation_;
      open_ -= idle_.size();
      doomed.swap(idle_);
      freed_.notify_all();
    }
  }

 private:
  void give_back(ConnPtr conn, std::uint64_t generation) {
    ConnPtr doomed;  // closed after unlocking: closing may do I/O
    {
      std::lock_guard lock(mutex_);
      if (conn && generation == generation_) {
        idle_.push_back(std::move(conn));
      } else {
        doomed = std::move(conn);
        --open_;
      }
    }
    freed_.notify_one();
  }

  struct Bound {
    const ConnectionPool* pool;
    Conn* conn;
  };
  // This thread's bindings, one per pool at most (a thread rarely holds more than one).
  static inline thread_local std::vector<Bound> t_bindings;

  const std::size_t max_size_;
  const std::chrono::milliseconds checkout_timeout_;
  const Factory factory_;

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<ConnPtr> idle_;
  std::size_t open_ = 0;  // idle + leased
  std::uint64_t generation_ = 0;
};

}  // namespace gatehouse::store
