#pragma once
// The HTTP/1.1 server. Beast and Asio stay inside server.cpp: this header is cheap.
//
// Threads: `io_threads` event loops own the sockets and never block; handler work that
// may block runs on a pool of `worker_threads` with at most `worker_queue_size` jobs
// waiting, beyond which requests get 503 at once. Routes that wait for a password hash run
// in a second such lane (`password_threads`, `password_queue_size`), so a login flood
// queues among logins and never holds the workers the other routes need. Limits: header block 16
// KiB (431), body MAX_BODY_BYTES (413), header/body/idle timeouts (408 or a silent close when
// idle), MAX_CONNECTIONS (503 and close). SIGTERM/SIGINT: stop accepting, close idle keep-alive
// connections, let in-flight requests finish until the drain deadline, then return.
#include <functional>
#include <memory>

#include "config/settings.hpp"
#include "core/result.hpp"
#include "http/handler.hpp"

namespace gatehouse::http {

class Server {
 public:
  Server(const config::ServerSettings& settings, HttpHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on HOST:PORT; an error names the variables when it cannot.
  Status listen();

  // Lowers the connection cap below MAX_CONNECTIONS (when descriptors are short); call
  // before run().
  void cap_connections(int max_connections);

  // The bound port (useful with PORT=0).
  int port() const;

  // Serves until SIGTERM/SIGINT or stop(), then drains and returns.
  void run();

  // Begins a graceful shutdown; safe from any thread.
  void stop();

  // Called once the server has stopped accepting (e.g. to stop background workers).
  void on_draining(std::function<void()> callback);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::http
