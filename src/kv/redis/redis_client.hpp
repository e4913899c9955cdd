#pragma once
// RedisClient: a small pool of synchronous hiredis connections shared by the Redis-backed
// stores of kv/redis. hiredis itself stays inside kv/redis/*.cpp.
//
// - Connections are opened lazily, up to `pool_size`; a caller waits at most
//   `command_timeout` for a free one.
// - Every connection authenticates (AUTH) and selects `db` when opened.
// - A connection that fails (I/O error, timeout, EOF after a Redis restart) is dropped with
//   every idle one (they point at the same server); a command that failed on a reused
//   connection is retried once on a fresh one, so a restart costs no request an error.
// - While Redis cannot be reached, commands fail at once with kUnavailable; one caller
//   probes again every `retry_backoff`. The outage is logged once, with its end.
// - The password never appears in a message; describe() names the server without it.
// Safe for concurrent use.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "kv/outage_log.hpp"

namespace gatehouse::kv {

struct RedisOptions {
  std::string host = "localhost";
  int port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{1000};
  std::chrono::milliseconds retry_backoff{1000};
  std::size_t pool_size = 8;
  std::string key_prefix = "gatehouse:";  // every key the stores write starts with this
};

// Options from REDIS_URL / REDIS_* (already validated by the configuration loader, which
// refuses rediss://). `pool_size`: one connection per worker thread is enough.
RedisOptions redis_options(const config::RedisSettings& settings, std::size_t pool_size);

// A reply, converted out of hiredis.
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
};

// A Lua script run with EVALSHA; the client loads it (EVAL) when the server does not know
// it, e.g. after a restart. Define one per script, for the life of the program.
class RedisScript {
 public:
  explicit RedisScript(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

 private:
  friend class RedisClient;
  std::string source_;
  mutable std::mutex mutex_;
  mutable std::string sha_;  // known once loaded
};

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command (arguments are binary-safe). kUnavailable when Redis cannot be
  // reached or does not answer in time; kInternal for an error reply (a bug: a wrong
  // command or a script error).
  Result<RedisReply> command(const std::vector<std::string_view>& args);

  // Runs `script` with `keys` and `args` (EVALSHA, falling back to EVAL). Errors as command().
  Result<RedisReply> eval(const RedisScript& script, const std::vector<std::string_view>& keys,
                          const std::vector<std::string_view>& args);

  // PING: ok when Redis answers (for /ready).
  Status ping();

  // "redis://host:port/db", without the password.
  const std::string& describe() const { return description_; }
  const RedisOptions& options() const { return options_; }

 private:
  struct Connection;
  struct Lease {
    std::unique_ptr<Connection> conn;
    bool reused = false;
  };
  enum class Attempt { kDone, kRetry };

  Result<Lease> acquire();
  Result<std::unique_ptr<Connection>> dial();
  void release(std::unique_ptr<Connection> conn);
  void discard(std::unique_ptr<Connection> conn);  // a broken one, with every idle one
  Result<RedisReply> run(const std::vector<std::string_view>& args);
  Error unavailable(const std::string& cause);

  RedisOptions options_;
  std::string description_;
  OutageLog outage_;

  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;                              // idle + leased + being dialled
  bool down_ = false;                                 // the last dial failed
  std::chrono::steady_clock::time_point probe_at_{};  // while down_: no dial before this
  std::string down_cause_;
};

using RedisClientPtr = std::unique_ptr<RedisClient>;

// Deletes every key starting with `prefix` (SCAN + UNLINK); for reset()/clear() only.
Status delete_keys_with_prefix(RedisClient& redis, const std::string& prefix);

}  // namespace gatehouse::kv
