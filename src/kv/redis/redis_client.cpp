#include "kv/redis/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <utility>

namespace gatehouse::kv {

namespace {

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

std::string glob_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

struct RedisClient::Connection {
  explicit Connection(redisContext* c) : ctx(c) {}
  ~Connection() { redisFree(ctx); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // nullptr when the connection broke (ctx->errstr says why); it must then be discarded.
  ReplyPtr call(const std::vector<std::string_view>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    void* raw = redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data());
    return ReplyPtr(static_cast<redisReply*>(raw));
  }

  redisContext* ctx;
};

RedisOptions redis_options(const config::RedisSettings& settings, std::size_t pool_size) {
  RedisOptions o;
  o.host = settings.host;
  o.port = settings.port;
  o.password = settings.password;
  o.db = settings.db;
  o.pool_size = pool_size < 1 ? 1 : pool_size;
  return o;
}

RedisClient::RedisClient(RedisOptions options)
    : options_(std::move(options)),
      description_("redis://" + options_.host + ":" + std::to_string(options_.port) + "/" +
                   std::to_string(options_.db)),
      outage_(obs::Category::kDatabase, "Redis") {
  if (options_.pool_size < 1) options_.pool_size = 1;
}

RedisClient::~RedisClient() = default;

Error RedisClient::unavailable(const std::string& cause) {
  return Error::unavailable("Service temporarily unavailable", description_ + ": " + cause, 1);
}

Result<std::unique_ptr<RedisClient::Connection>> RedisClient::dial() {
  redisContext* raw = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                              to_timeval(options_.connect_timeout));
  if (raw == nullptr) return unavailable("cannot allocate a connection");
  auto conn = std::make_unique<Connection>(raw);
  if (raw->err != 0) return unavailable(std::string("cannot connect: ") + raw->errstr);
  redisSetTimeout(raw, to_timeval(options_.command_timeout));
  redisEnableKeepAlive(raw);
  // Each step's error names the step, never its arguments (the password).
  const auto step = [&](const std::vector<std::string_view>& args,
                        const char* what) -> Result<Unit> {
    ReplyPtr r = conn->call(args);
    if (!r) return unavailable(std::string(what) + ": " + raw->errstr);
    if (r->type == REDIS_REPLY_ERROR) {
      return unavailable(std::string(what) + " refused: " + std::string(r->str, r->len));
    }
    return Unit{};
  };
  if (!options_.password.empty()) {
    if (auto s = step({"AUTH", options_.password}, "AUTH"); !s) return s.error();
  }
  if (options_.db != 0) {
    const std::string db = std::to_string(options_.db);
    if (auto s = step({"SELECT", db}, "SELECT"); !s) return s.error();
  }
  return conn;
}

Result<RedisClient::Lease> RedisClient::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + options_.command_timeout;
  for (;;) {
    if (!idle_.empty()) {
      Lease lease{std::move(idle_.back()), true};
      idle_.pop_back();
      return lease;
    }
    if (open_ < options_.pool_size) {
      const auto now = std::chrono::steady_clock::now();
      if (down_) {
        // One caller probes per back-off period; the others fail at once, so a down Redis
        // costs a request nothing but this check.
        if (now < probe_at_) {
          return Error::unavailable("Service temporarily unavailable", down_cause_, 1);
        }
        probe_at_ = now + options_.retry_backoff;
      }
      ++open_;
      lock.unlock();
      auto conn = dial();
      lock.lock();
      if (!conn) {
        --open_;
        down_ = true;
        probe_at_ = std::chrono::steady_clock::now() + options_.retry_backoff;
        down_cause_ = conn.error().cause;
        released_.notify_one();
        return conn.error();
      }
      down_ = false;
      return Lease{std::move(*conn), false};
    }
    if (released_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return unavailable("no free connection within the command timeout (pool of " +
                         std::to_string(options_.pool_size) + ")");
    }
  }
}

void RedisClient::release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  released_.notify_one();
}

void RedisClient::discard(std::unique_ptr<Connection> conn) {
  std::vector<std::unique_ptr<Connection>> stale;
  {
    std::lock_guard lock(mutex_);
    stale.swap(idle_);
    open_ -= stale.size() + 1;
  }
  conn.reset();
  stale.clear();  // closed outside the lock
  released_.notify_all();
}

Result<RedisReply> RedisClient::run(const std::vector<std::string_view>& args) {
  for (int attempt = 0;; ++attempt) {
    auto lease = acquire();
    if (!lease) {
      outage_.failed(lease.error().cause, "shared state is degraded");
      return lease.error();
    }
    ReplyPtr reply = lease->conn->call(args);
    if (!reply) {
      const std::string cause = lease->conn->ctx->errstr;
      const bool reused = lease->reused;
      discard(std::move(lease->conn));
      // A pooled connection may be stale (Redis restarted since): try once on a new one.
      if (reused && attempt == 0) continue;
      {
        std::lock_guard lock(mutex_);
        down_ = true;
        probe_at_ = std::chrono::steady_clock::now() + options_.retry_backoff;
        down_cause_ = description_ + ": " + cause;
      }
      outage_.failed(cause, "shared state is degraded");
      return unavailable(cause);
    }
    RedisReply out = convert(*reply);
    release(std::move(lease->conn));
    outage_.succeeded();
    return out;
  }
}

Result<RedisReply> RedisClient::command(const std::vector<std::string_view>& args) {
  auto r = run(args);
  if (r && r->type == RedisReply::Type::kError) {
    return Error::internal(description_ + ": " + std::string(args.front()) + ": " + r->str);
  }
  return r;
}

Result<RedisReply> RedisClient::eval(const RedisScript& script,
                                     const std::vector<std::string_view>& keys,
                                     const std::vector<std::string_view>& args) {
  std::string sha;
  {
    std::lock_guard lock(script.mutex_);
    sha = script.sha_;
  }
  if (sha.empty()) {
    auto loaded = command({"SCRIPT", "LOAD", script.source()});
    if (!loaded) return loaded.error();
    sha = loaded->str;
    std::lock_guard lock(script.mutex_);
    script.sha_ = sha;
  }
  const std::string numkeys = std::to_string(keys.size());
  std::vector<std::string_view> argv{"EVALSHA", sha, numkeys};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  if (r && r->type == RedisReply::Type::kError && r->str.starts_with("NOSCRIPT")) {
    // The server forgot its script cache (a restart): EVAL runs and caches it again.
    argv[0] = "EVAL";
    argv[1] = script.source();
    r = run(argv);
  }
  if (r && r->type == RedisReply::Type::kError) {
    return Error::internal(description_ + ": script: " + r->str);
  }
  return r;
}

Status RedisClient::ping() {
  auto r = command({"PING"});
  if (!r) return r.error();
  return ok();
}

Status delete_keys_with_prefix(RedisClient& redis, const std::string& prefix) {
  const std::string pattern = glob_escape(prefix) + "*";
  std::string cursor = "0";
  do {
    auto page = redis.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!page) return page.error();
    if (page->elements.size() != 2) return Error::internal("redis: unexpected SCAN reply");
    cursor = page->elements[0].str;
    std::vector<std::string_view> del{"UNLINK"};
    for (const auto& k : page->elements[1].elements) del.push_back(k.str);
    if (del.size() > 1) {
      if (auto r = redis.command(del); !r) return r.error();
    }
  } while (cursor != "0");
  return ok();
}

}  // namespace gatehouse::kv
