#include "http/server.hpp"

#include <atomic>
#include <chrono>
#include <list>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "observability/log.hpp"

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A connection as the shutdown code sees it: idle ones are closed at once, busy ones
// finish their request first. Only touched on the thread of the loop that owns it.
struct SessionEntry {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
};

struct Loop {
  // Declared first so it outlives `ioc`: destroying the context destroys suspended session
  // frames, which unregister themselves from this list.
  std::list<SessionEntry*> sessions;
  asio::io_context ioc{1};
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

Request to_request(bhttp::request<bhttp::string_body>&& breq) {
  Request r;
  r.method = std::string(breq.method_string());
  const std::string_view target(breq.target().data(), breq.target().size());
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
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
  const std::string_view target(h.target().data(), h.target().size());
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  for (const auto& field : h) {
    r.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
}

bhttp::response<bhttp::string_body> to_beast(Response&& resp, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), version};
  for (auto& [name, value] : resp.headers.entries()) res.insert(name, value);
  res.body() = std::move(resp.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

// Completion for spawned coroutines: nothing may escape silently (DESIGN principle 3).
auto log_exception(const char* what) {
  return [what](std::exception_ptr e) {
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

// A deadline for a read that must end with an answer (408), unlike beast::tcp_stream's
// own timeouts, which close the socket. On expiry it cancels the pending read; the
// handler never touches the session when the timer was cancelled, so it is safe even if
// it runs after the session ended.
class ReadDeadline {
 public:
  explicit ReadDeadline(beast::tcp_stream& stream) : stream_(stream), timer_(stream.get_executor()) {}
  ~ReadDeadline() { timer_.cancel(); }

  void arm(std::chrono::seconds after) {
    state_ = std::make_shared<State>();
    timer_.expires_after(after);
    timer_.async_wait([state = state_, stream = &stream_](const boost::system::error_code& ec) {
      // A completion already queued when disarm() ran must not cancel a later read.
      if (ec || !state->armed) return;
      state->expired = true;
      boost::system::error_code ignored;
      stream->socket().cancel(ignored);
    });
  }
  void disarm() {
    if (state_) state_->armed = false;
    timer_.cancel();
  }
  bool expired() const { return state_ && state_->expired; }

 private:
  beast::tcp_stream& stream_;
  struct State {
    bool armed = true;
    bool expired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace

struct Server::Impl {
  Impl(const config::ServerSettings& s, HttpHandler& h) : settings(s), handler(h) {
    unsigned n = settings.io_threads > 0 ? static_cast<unsigned>(settings.io_threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) loops.push_back(std::make_unique<Loop>());
    workers = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(settings.worker_threads));
    max_pending = settings.worker_threads + settings.worker_queue_size;
  }

  ~Impl() {
    // Queued jobs are dropped, running ones finish, before the loops (and the session
    // frames those jobs point into) are destroyed.
    workers->stop();
    workers->join();
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket sock, Loop& loop);
  asio::awaitable<void> reject_connection(tcp::socket sock);
  asio::awaitable<void> drain_watch();
  asio::awaitable<Response> run_handler(Request& req);
  asio::awaitable<void> lingering_close(beast::tcp_stream& stream);
  void begin_shutdown();

  const config::ServerSettings& settings;
  HttpHandler& handler;
  std::vector<std::unique_ptr<Loop>> loops;
  std::unique_ptr<asio::thread_pool> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::atomic<int> connections{0};
  std::atomic<int> pending_jobs{0};
  int max_pending = 0;
  std::atomic<bool> stopping{false};
  std::size_t next_loop = 0;
  std::function<void()> draining_callback;
};

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    Loop& loop = *loops[next_loop++ % loops.size()];
    auto [ec, sock] = co_await acceptor->async_accept(loop.ioc, kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and similar: back off instead of spinning.
      obs::warning(obs::Category::kErrors, "accept failed: {}", ec.message());
      asio::steady_timer t(co_await asio::this_coro::executor, 50ms);
      co_await t.async_wait(kTuple);
      continue;
    }
    if (connections.load() >= settings.max_connections) {
      asio::co_spawn(loop.ioc, reject_connection(std::move(sock)), log_exception("reject"));
      continue;
    }
    ++connections;
    asio::co_spawn(loop.ioc, session(std::move(sock), loop), log_exception("session"));
  }
}

asio::awaitable<void> Server::Impl::reject_connection(tcp::socket sock) {
  beast::tcp_stream stream(std::move(sock));
  Request req;
  req.peer_ip = peer_address(stream.socket());
  req.keep_alive = false;
  auto res = to_beast(handler.reject(Rejection::kOverloaded, req), 11, false);
  stream.expires_after(1s);
  co_await bhttp::async_write(stream, res, kTuple);
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

asio::awaitable<void> Server::Impl::lingering_close(beast::tcp_stream& stream) {
  // Closing with unread request bytes makes the kernel send a reset that can destroy the
  // error response in flight; read and discard for a moment first.
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 8192> sink{};
  std::size_t drained = 0;
  stream.expires_after(2s);
  while (drained < 4 * 1024 * 1024) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    drained += n;
  }
  stream.socket().close(ec);
}

asio::awaitable<Response> Server::Impl::run_handler(Request& req) {
  if (pending_jobs.fetch_add(1) >= max_pending) {
    --pending_jobs;
    co_return handler.reject(Rejection::kOverloaded, req);
  }
  struct Release {
    std::atomic<int>& n;
    ~Release() { --n; }
  };
  Release release{pending_jobs};
  // The job runs on the worker pool; the session resumes on its own loop afterwards.
  co_return co_await asio::co_spawn(
      workers->get_executor(),
      [this, &req]() -> asio::awaitable<Response> { co_return handler.handle(req); },
      asio::use_awaitable);
}

asio::awaitable<void> Server::Impl::session(tcp::socket sock, Loop& loop) {
  beast::tcp_stream stream(std::move(sock));
  SessionEntry entry{&stream, true};
  loop.sessions.push_front(&entry);
  const auto registration = loop.sessions.begin();
  struct Unregister {
    Loop& l;
    std::list<SessionEntry*>::iterator it;
    std::atomic<int>& count;
    ~Unregister() {
      l.sessions.erase(it);
      --count;
    }
  } unregister{loop, registration, connections};

  const std::string peer = peer_address(stream.socket());
  beast::flat_buffer buffer;
  ReadDeadline deadline(stream);
  const auto header_timeout = std::chrono::seconds(settings.header_timeout_seconds);
  const auto body_timeout = std::chrono::seconds(settings.body_timeout_seconds);
  const auto idle_timeout = std::chrono::seconds(settings.idle_timeout_seconds);

  for (;;) {
    if (buffer.size() == 0) {
      // Between requests: wait for the first byte under the (longer) idle timeout.
      entry.idle = true;
      if (stopping) break;
      stream.expires_after(idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      entry.idle = false;
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
    stream.expires_never();
    deadline.arm(header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    deadline.disarm();
    (void)hn;
    if (hec) {
      if (deadline.expired()) {
        rejection = Rejection::kTimeout;
      } else if (hec == bhttp::error::header_limit) {
        rejection = Rejection::kHeadersTooLarge;
      } else if (hec == bhttp::error::body_limit) {
        // Beast checks Content-Length against the body limit as soon as the header is read.
        rejection = Rejection::kBodyTooLarge;
      } else if (hec == bhttp::error::end_of_stream || hec == asio::error::eof ||
                 hec == asio::error::connection_reset || hec == asio::error::operation_aborted) {
        break;
      } else {
        rejection = Rejection::kBadRequest;
      }
    } else if (parser.content_length() && *parser.content_length() > settings.max_body_bytes) {
      rejection = Rejection::kBodyTooLarge;
    } else if (!parser.is_done()) {
      deadline.arm(body_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      deadline.disarm();
      (void)bn;
      if (bec == bhttp::error::body_limit) {
        rejection = Rejection::kBodyTooLarge;
      } else if (bec && deadline.expired()) {
        rejection = Rejection::kTimeout;
      } else if (bec == bhttp::error::end_of_stream || bec == asio::error::eof ||
                 bec == asio::error::connection_reset || bec == asio::error::operation_aborted) {
        break;
      } else if (bec) {
        rejection = Rejection::kBadRequest;
      }
    }

    if (rejection) {
      Request partial;
      partial.peer_ip = peer;
      partial.keep_alive = false;
      copy_parsed_headers(parser, partial);
      auto res = to_beast(handler.reject(*rejection, partial), 11, false);
      stream.expires_after(5s);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
      (void)wn;
      if (!wec) co_await lingering_close(stream);
      break;
    }

    const unsigned version = parser.get().version();
    Request req = to_request(parser.release());
    req.peer_ip = peer;
    const bool run_inline = handler.prepare(req);
    // Not a conditional expression: GCC 12 miscompiles co_await inside ?: operands.
    Response resp;
    if (run_inline) {
      resp = handler.handle(req);
    } else {
      resp = co_await run_handler(req);
    }
    const bool keep_alive = req.keep_alive && !stopping && resp.status != 503;
    auto res = to_beast(std::move(resp), version, keep_alive);
    stream.expires_after(body_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
    (void)wn;
    if (wec) {
      obs::debug(obs::Category::kRequests, "write to {} failed: {}", peer, wec.message());
      break;
    }
    if (!keep_alive) break;
  }
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

asio::awaitable<void> Server::Impl::drain_watch() {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(settings.shutdown_timeout_seconds);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
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
        if (s->idle) s->stream->cancel();
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
    return Error::bad_request("HOST: \"" + impl_->settings.host + "\" is not an IP address");
  }
  tcp::endpoint ep(address, static_cast<unsigned short>(impl_->settings.port));
  auto& acc = impl_->acceptor.emplace(impl_->loops[0]->ioc);
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    impl_->acceptor.reset();
    return Error::bad_request("HOST/PORT: cannot listen on " + impl_->settings.host + ":" +
                              std::to_string(impl_->settings.port) + ": " + ec.message());
  }
  return ok();
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
