#include "http/server.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <list>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/request_framing.hpp"
#include "http/response_writer.hpp"
#include "observability/log.hpp"

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kHeaderLimit = std::size_t{16} * 1024;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kNever = Clock::time_point::max();
// How often each loop looks for connections past their deadline. Timeouts fire up to this
// late; in exchange no timer is armed per request (that was measurable on /heartbeat).
constexpr auto kSweepInterval = 200ms;

// A connection as its loop sees it: the deadline of its current read or write, and whether
// it is idle between requests (shutdown closes idle ones at once). Only touched on the
// thread of the loop that owns it.
struct SessionEntry {
  tcp::socket* socket = nullptr;
  bool idle = true;
  Clock::time_point deadline = kNever;
  bool timed_out = false;

  void expire_in(Clock::duration d) {
    deadline = Clock::now() + d;
    timed_out = false;
  }
  void clear() { deadline = kNever; }
};

struct Loop {
  // Declared first so it outlives `ioc`: destroying the context destroys suspended session
  // frames, which unregister themselves from this list.
  std::list<SessionEntry*> sessions;
  asio::io_context ioc{1};
};

// Registers a session with its loop for the lifetime of the coroutine frame.
class Registration {
 public:
  Registration(Loop& loop, SessionEntry& entry) : loop_(loop) {
    loop_.sessions.push_front(&entry);
    it_ = loop_.sessions.begin();
  }
  ~Registration() { loop_.sessions.erase(it_); }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  Loop& loop_;
  std::list<SessionEntry*>::iterator it_;
};

std::string peer_address(const tcp::socket& sock) {
  boost::system::error_code ec;
  const auto ep = sock.remote_endpoint(ec);
  if (ec) return {};
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  return addr.to_string();
}

void split_target(std::string_view target, Request& r) {
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
}

Request to_request(bhttp::request<bhttp::string_body>&& breq) {
  Request r;
  r.method = std::string(breq.method_string());
  split_target(std::string_view(breq.target().data(), breq.target().size()), r);
  r.headers.reserve(8);
  for (const auto& field : breq) {
    r.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  r.keep_alive = breq.keep_alive();
  r.body = std::move(breq.body());
  return r;
}

void copy_parsed_headers(const bhttp::request_parser<bhttp::string_body>& parser, Request& r) {
  if (!parser.is_header_done()) return;
  const auto& h = parser.get();
  r.method = std::string(h.method_string());
  split_target(std::string_view(h.target().data(), h.target().size()), r);
  for (const auto& field : h) {
    r.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
}

int minor_version(unsigned version) { return version == 10 ? 0 : 1; }

bool is_disconnect(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

std::string_view buffer_text(const beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

// Reads until `buffer` holds a whole header block (or more than the header limit, which the
// parser then refuses), so the raw lines can be checked for obs-fold before Beast joins them.
// Sets `folded` when they fold. Returns the read's error, if any.
asio::awaitable<boost::system::error_code> read_header_block(tcp::socket& sock,
                                                             beast::flat_buffer& buffer,
                                                             bool& folded) {
  std::size_t searched = 0;
  std::size_t end = header_block_end(buffer_text(buffer));
  while (end == std::string_view::npos && buffer.size() <= kHeaderLimit) {
    // The terminator may straddle two reads: search again from three bytes back.
    searched = buffer.size() > 3 ? buffer.size() - 3 : 0;
    auto [ec, n] = co_await sock.async_read_some(buffer.prepare(4096), kTuple);
    if (ec) co_return ec;
    buffer.commit(n);
    end = header_block_end(buffer_text(buffer), searched);
  }
  folded = end != std::string_view::npos && has_obs_fold(buffer_text(buffer).substr(0, end));
  co_return boost::system::error_code{};
}

// RFC 9112 framing rules Beast does not enforce; see request_framing.hpp.
std::optional<std::string_view> framing_violation(
    const bhttp::request_parser<bhttp::string_body>& parser) {
  FramingCheck check;
  const auto& h = parser.get();
  for (const auto& field : h) {
    check.field(std::string_view(field.name_string().data(), field.name_string().size()),
                std::string_view(field.value().data(), field.value().size()));
  }
  return check.violation(h.version());
}

// Completion for spawned coroutines: nothing may escape silently; an exception is logged.
auto log_exception(const char* what) {
  return [what](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      obs::error(obs::Category::kErrors, "{} failed: {}", what, ex.what());
    } catch (...) {
      obs::error(obs::Category::kErrors, "{} failed with a non-standard exception", what);
    }
  };
}

// One descriptor held back for the moment the process runs out: accept() then fails and the
// connection would wait in the backlog unanswered. Releasing the spare lets it be accepted,
// told 503 and closed, instead of hanging (and instead of the loop retrying in vain).
class SpareDescriptor {
 public:
  SpareDescriptor() { reacquire(); }
  ~SpareDescriptor() { release(); }
  SpareDescriptor(const SpareDescriptor&) = delete;
  SpareDescriptor& operator=(const SpareDescriptor&) = delete;

  bool held() const { return fd_ >= 0; }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void reacquire() {
    if (fd_ < 0) fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

 private:
  int fd_ = -1;
};

// accept() failures are logged at most once per interval, with the number left out, so a
// persistent failure cannot flood the log.
class AcceptFailureLog {
 public:
  void note(const boost::system::error_code& ec) {
    const auto now = Clock::now();
    if (logged_once_ && now - last_ < kInterval) {
      ++suppressed_;
      return;
    }
    if (suppressed_ > 0) {
      obs::warning(obs::Category::kErrors, "accept failed: {} ({} similar failure(s) not logged)",
                   ec.message(), suppressed_);
    } else {
      obs::warning(obs::Category::kErrors, "accept failed: {}", ec.message());
    }
    logged_once_ = true;
    last_ = now;
    suppressed_ = 0;
  }

 private:
  static constexpr auto kInterval = 5s;
  bool logged_once_ = false;
  Clock::time_point last_{};
  std::uint64_t suppressed_ = 0;
};

bool is_out_of_descriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors ||
         (ec.category() == boost::system::system_category() && ec.value() == ENFILE);
}

}  // namespace

// A bounded thread pool: `threads` run jobs, at most `queue` more wait, beyond that 503.
struct WorkerLane {
  std::unique_ptr<asio::thread_pool> pool;
  std::atomic<int> pending{0};
  int max_pending = 0;

  void start(int threads, int queue) {
    pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(threads));
    max_pending = threads + queue;
  }
  void stop() {
    pool->stop();
    pool->join();
  }
};

struct Server::Impl {
  Impl(const config::ServerSettings& s, HttpHandler& h) : settings(s), handler(h) {
    unsigned n = settings.io_threads > 0 ? static_cast<unsigned>(settings.io_threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) loops.push_back(std::make_unique<Loop>());
    workers.start(settings.worker_threads, settings.worker_queue_size);
    password_workers.start(settings.password_threads, settings.password_queue_size);
  }

  ~Impl() {
    // Queued jobs are dropped, running ones finish, before the loops (and the session
    // frames those jobs point into) are destroyed.
    workers.stop();
    password_workers.stop();
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep(Loop& loop);
  asio::awaitable<void> session(tcp::socket sock, Loop& loop);
  asio::awaitable<void> reject_connection(tcp::socket sock, Loop& loop);
  void refuse_now(tcp::socket& sock);
  asio::awaitable<void> drain_watch();
  asio::awaitable<Response> run_handler(Request& req, WorkerLane& lane);
  asio::awaitable<void> lingering_close(tcp::socket& sock, SessionEntry& entry);
  void begin_shutdown();

  const config::ServerSettings& settings;
  HttpHandler& handler;
  std::vector<std::unique_ptr<Loop>> loops;
  WorkerLane workers;           // handlers that touch the database
  WorkerLane password_workers;  // handlers that wait for a password hash
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
  std::size_t next_loop = 0;
  int max_connections = settings.max_connections;  // lowered by cap_connections()
  SpareDescriptor spare;                           // only touched by the accept loop
  AcceptFailureLog accept_failures;                // likewise
  std::function<void()> draining_callback;
};

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    Loop& loop = *loops[next_loop++ % loops.size()];
    auto [ec, sock] = co_await acceptor->async_accept(loop.ioc, kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      if (ec == asio::error::connection_aborted) continue;  // the client gave up first
      accept_failures.note(ec);
      if (is_out_of_descriptors(ec) && spare.held()) {
        // MAX_CONNECTIONS is clamped at start so this should not happen; if it does, the
        // waiting client gets the connection cap's answer rather than silence.
        spare.release();
        tcp::socket refused(loop.ioc);
        boost::system::error_code aec;
        acceptor->accept(refused, aec);
        if (!aec) refuse_now(refused);
        spare.reacquire();
        if (!aec) continue;
      }
      // Still failing: back off instead of spinning.
      asio::steady_timer t(co_await asio::this_coro::executor, 50ms);
      co_await t.async_wait(kTuple);
      continue;
    }
    if (connections.load() >= max_connections) {
      asio::co_spawn(loop.ioc, reject_connection(std::move(sock), loop), log_exception("reject"));
      continue;
    }
    ++connections;
    // Responses go out in one write; do not let Nagle hold the last segment back.
    boost::system::error_code nodelay_ec;
    sock.set_option(tcp::no_delay(true), nodelay_ec);
    asio::co_spawn(loop.ioc, session(std::move(sock), loop), log_exception("session"));
  }
}

asio::awaitable<void> Server::Impl::sweep(Loop& loop) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(kSweepInterval);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) co_return;
    const auto now = Clock::now();
    for (SessionEntry* s : loop.sessions) {
      if (!s->timed_out && s->deadline <= now) {
        s->timed_out = true;
        boost::system::error_code ignored;
        s->socket->cancel(ignored);
      }
    }
  }
}

asio::awaitable<void> Server::Impl::reject_connection(tcp::socket sock, Loop& loop) {
  SessionEntry entry{&sock, false};
  Registration registration(loop, entry);
  Request req;
  req.peer_ip = peer_address(sock);
  req.keep_alive = false;
  std::string out;
  write_response(handler.reject(Rejection::kOverloaded, req), 1, false, out);
  entry.expire_in(1s);
  co_await asio::async_write(sock, asio::buffer(out), kTuple);
  entry.clear();
  boost::system::error_code ec;
  sock.shutdown(tcp::socket::shutdown_both, ec);
  sock.close(ec);
}

void Server::Impl::refuse_now(tcp::socket& sock) {
  // Synchronous and best effort: the descriptor must be free again before the loop goes on,
  // and a fresh socket's send buffer takes a short answer at once.
  Request req;
  req.peer_ip = peer_address(sock);
  req.keep_alive = false;
  std::string out;
  write_response(handler.reject(Rejection::kOverloaded, req), 1, false, out);
  boost::system::error_code ec;
  sock.non_blocking(true, ec);
  if (!ec) asio::write(sock, asio::buffer(out), ec);
  sock.shutdown(tcp::socket::shutdown_both, ec);
  sock.close(ec);
}

asio::awaitable<void> Server::Impl::lingering_close(tcp::socket& sock, SessionEntry& entry) {
  // Closing with unread request bytes makes the kernel send a reset that can destroy the
  // error response in flight; read and discard for a moment first.
  boost::system::error_code ec;
  sock.shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 8192> sink{};
  std::size_t drained = 0;
  entry.expire_in(2s);
  while (drained < std::size_t{4} * 1024 * 1024) {
    auto [rec, n] = co_await sock.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    drained += n;
  }
  entry.clear();
  sock.close(ec);
}

asio::awaitable<Response> Server::Impl::run_handler(Request& req, WorkerLane& lane) {
  if (lane.pending.fetch_add(1) >= lane.max_pending) {
    --lane.pending;
    co_return handler.reject(Rejection::kOverloaded, req);
  }
  struct Release {
    std::atomic<int>& n;
    ~Release() { --n; }
  };
  Release release{lane.pending};
  // The job runs on the lane's pool; the session resumes on its own loop afterwards.
  co_return co_await asio::co_spawn(
      lane.pool->get_executor(),
      [this, &req]() -> asio::awaitable<Response> { co_return handler.handle(req); },
      asio::use_awaitable);
}

asio::awaitable<void> Server::Impl::session(tcp::socket sock, Loop& loop) {
  SessionEntry entry{&sock, true};
  Registration registration(loop, entry);
  struct CountGuard {
    std::atomic<int>& count;
    ~CountGuard() { --count; }
  } count_guard{connections};

  const std::string peer = peer_address(sock);
  beast::flat_buffer buffer;
  std::string write_buffer;  // reused across the connection's responses
  const auto header_timeout = std::chrono::seconds(settings.header_timeout_seconds);
  const auto body_timeout = std::chrono::seconds(settings.body_timeout_seconds);
  const auto idle_timeout = std::chrono::seconds(settings.idle_timeout_seconds);

  for (;;) {
    if (buffer.size() == 0) {
      // Between requests: wait for the first byte under the (longer) idle timeout; an idle
      // connection that times out is closed without an answer.
      entry.idle = true;
      if (stopping) break;
      entry.expire_in(idle_timeout);
      auto [ec, n] = co_await sock.async_read_some(buffer.prepare(4096), kTuple);
      entry.idle = false;
      entry.clear();
      if (ec) break;
      buffer.commit(n);
    }
    entry.idle = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(settings.max_body_bytes);
    std::optional<Rejection> rejection;

    // The whole header block must arrive within the header timeout: a client that sends
    // one byte a second cannot hold the connection.
    entry.expire_in(header_timeout);
    bool folded = false;
    boost::system::error_code hec = co_await read_header_block(sock, buffer, folded);
    if (!hec) {
      // The whole header block is buffered now: parse it in place, without a second
      // asynchronous operation (that one cost the heartbeat about 10% of its throughput).
      const std::size_t used = parser.put(buffer.data(), hec);
      buffer.consume(used);
      if (hec == bhttp::error::need_more) hec = bhttp::error::header_limit;
    }
    std::optional<std::string_view> violation;
    if (!hec) {
      violation = folded ? std::optional<std::string_view>("obs-fold line folding")
                         : framing_violation(parser);
    }
    if (violation) {
      // Before the body is read: with these headers its length is not trustworthy.
      obs::debug(obs::Category::kRequests, "refused a request from {}: {}", peer, *violation);
      rejection = Rejection::kBadRequest;
    } else if (hec) {
      if (entry.timed_out) {
        rejection = Rejection::kTimeout;
      } else if (hec == bhttp::error::header_limit) {
        rejection = Rejection::kHeadersTooLarge;
      } else if (hec == bhttp::error::body_limit) {
        // Beast checks Content-Length against the body limit as soon as the header is read.
        rejection = Rejection::kBodyTooLarge;
      } else if (is_disconnect(hec) || hec == asio::error::operation_aborted) {
        break;
      } else {
        rejection = Rejection::kBadRequest;
      }
    } else if (!parser.is_done()) {
      entry.expire_in(body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(sock, buffer, parser, kTuple);
      (void)bn;
      if (bec == bhttp::error::body_limit) {
        rejection = Rejection::kBodyTooLarge;
      } else if (bec && entry.timed_out) {
        rejection = Rejection::kTimeout;
      } else if (is_disconnect(bec) || bec == asio::error::operation_aborted) {
        break;
      } else if (bec) {
        rejection = Rejection::kBadRequest;
      }
    }
    entry.clear();

    if (rejection) {
      Request partial;
      partial.peer_ip = peer;
      partial.keep_alive = false;
      copy_parsed_headers(parser, partial);
      write_buffer.clear();
      write_response(handler.reject(*rejection, partial), 1, false, write_buffer);
      entry.expire_in(5s);
      auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(write_buffer), kTuple);
      (void)wn;
      entry.clear();
      if (!wec) co_await lingering_close(sock, entry);
      break;
    }

    const unsigned version = parser.get().version();
    Request req = to_request(parser.release());
    req.peer_ip = peer;
    const Lane lane = handler.prepare(req);
    // Not a conditional expression: GCC 12 miscompiles co_await inside ?: operands.
    Response resp;
    if (lane == Lane::kInline) {
      resp = handler.handle(req);
    } else if (lane == Lane::kPassword) {
      resp = co_await run_handler(req, password_workers);
    } else {
      resp = co_await run_handler(req, workers);
    }
    if (resp.not_before > Clock::now()) {
      asio::steady_timer hold(co_await asio::this_coro::executor, resp.not_before);
      co_await hold.async_wait(kTuple);
    }
    const bool keep_alive = req.keep_alive && !stopping && resp.status != 503;
    write_buffer.clear();
    write_response(resp, minor_version(version), keep_alive, write_buffer, req.method == "HEAD");
    entry.expire_in(body_timeout);
    auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(write_buffer), kTuple);
    (void)wn;
    entry.clear();
    if (wec) {
      obs::debug(obs::Category::kRequests, "write to {} failed: {}", peer, wec.message());
      break;
    }
    if (!keep_alive) break;
  }
  boost::system::error_code ec;
  sock.shutdown(tcp::socket::shutdown_send, ec);
  sock.close(ec);
}

asio::awaitable<void> Server::Impl::drain_watch() {
  const auto deadline = Clock::now() + std::chrono::seconds(settings.shutdown_timeout_seconds);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (connections.load() > 0 && Clock::now() < deadline) {
    timer.expires_after(20ms);
    co_await timer.async_wait(kTuple);
  }
  if (connections.load() > 0) {
    obs::startup(obs::Level::kWarning,
                 fmt::format("shutdown deadline reached with {} connection(s) still open",
                             connections.load()));
  }
  for (auto& l : loops) l->ioc.stop();
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  asio::post(loops[0]->ioc, [this] {
    boost::system::error_code ec;
    if (acceptor) acceptor->close(ec);
    if (signals) signals->cancel(ec);
    if (draining_callback) draining_callback();
    asio::co_spawn(loops[0]->ioc, drain_watch(), log_exception("drain"));
  });
  for (auto& l : loops) {
    Loop* loop = l.get();
    asio::post(loop->ioc, [loop] {
      for (SessionEntry* s : loop->sessions) {
        boost::system::error_code ignored;
        if (s->idle) s->socket->cancel(ignored);
      }
    });
  }
}

Server::Server(const config::ServerSettings& settings, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(settings, handler)) {}

Server::~Server() = default;

Status Server::listen() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl_->settings.host, ec);
  if (ec) {
    return Error::internal("HOST: \"" + impl_->settings.host + "\" is not an IP address");
  }
  tcp::endpoint ep(address, static_cast<unsigned short>(impl_->settings.port));
  auto& acc = impl_->acceptor.emplace(impl_->loops[0]->ioc);
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  // Non-blocking, so the accept loop's synchronous accept() after running out of
  // descriptors can never wait.
  if (!ec) acc.non_blocking(true, ec);
  if (ec) {
    impl_->acceptor.reset();
    const std::string where =
        address.is_v6() ? "[" + impl_->settings.host + "]" : impl_->settings.host;
    return Error::internal("HOST/PORT: cannot listen on " + where + ":" +
                           std::to_string(impl_->settings.port) + ": " + ec.message());
  }
  return ok();
}

void Server::cap_connections(int max_connections) {
  impl_->max_connections = std::min(impl_->max_connections, max_connections);
}

int Server::port() const {
  boost::system::error_code ec;
  return impl_->acceptor ? impl_->acceptor->local_endpoint(ec).port() : 0;
}

void Server::on_draining(std::function<void()> callback) {
  impl_->draining_callback = std::move(callback);
}

void Server::run() {
  Impl& im = *impl_;
  auto& main_ioc = im.loops[0]->ioc;
  im.signals.emplace(main_ioc, SIGINT, SIGTERM);
  im.signals->async_wait([&im](const boost::system::error_code& ec, int) {
    if (!ec) im.begin_shutdown();
  });
  asio::co_spawn(main_ioc, im.accept_loop(), log_exception("accept loop"));
  for (auto& l : im.loops) {
    asio::co_spawn(l->ioc, im.sweep(*l), log_exception("timeout sweep"));
  }

  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& l : im.loops) guards.push_back(asio::make_work_guard(l->ioc));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < im.loops.size(); ++i) {
    threads.emplace_back([loop = im.loops[i].get()] { loop->ioc.run(); });
  }
  main_ioc.run();
  for (auto& l : im.loops) l->ioc.stop();
  for (auto& t : threads) t.join();
}

void Server::stop() { impl_->begin_shutdown(); }

}  // namespace gatehouse::http
