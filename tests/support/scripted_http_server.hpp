#pragma once
// A loopback HTTP server for testing HTTP clients (the webhook poster): every connection gets
// one request read (headers, and a body of Content-Length bytes), recorded, and answered with
// the scripted bytes after the scripted delay, then closed. The bytes are sent as given, so a
// test can answer with any status, a redirect, a cut-off body or nothing at all. Header-only;
// each connection is served on its own thread, all joined when the server goes away.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::testing {

class ScriptedHttpServer {
 public:
  struct Reply {
    std::string raw;                     // sent as is, then the connection is closed
    std::chrono::milliseconds delay{0};  // wait before answering (interrupted on stop)
  };
  struct Request {
    std::string head;  // request line and headers, up to the blank line
    std::string body;
  };

  // "HTTP/1.1 <status> X\r\n<headers>Content-Length: <n>\r\n\r\n<body>"; `headers` are
  // complete lines ("Name: value\r\n").
  static std::string response(int status, const std::string& headers = "",
                              const std::string& body = "") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
  }

  ScriptedHttpServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::abort();
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~ScriptedHttpServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    acceptor_.join();
    std::vector<std::thread> connections;
    {
      std::lock_guard lock(mutex_);
      connections.swap(connections_);
    }
    for (std::thread& t : connections) t.join();
    ::close(listener_);
  }
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The answer to every following request.
  void reply_with(Reply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // A loopback port where nothing listens (bound, never listening, so no one else takes it
  // while `holder` lives): a connection there is refused.
  static int refused_port(int& holder) {
    holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (holder < 0 || ::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::abort();
    }
    return ntohs(addr.sin_port);
  }

 private:
  void accept_loop() {
    while (true) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mutex_);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Reads until `pred` holds on what arrived, the peer closes, or 5 s pass.
  template <class Pred>
  static bool read_until(int fd, std::string& data, Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!pred(data)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  static std::size_t content_length(const std::string& head) {
    std::string lower(head);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::size_t at = lower.find("\r\ncontent-length:");
    return at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 17, nullptr, 10);
  }

  void serve(int fd) {
    std::string data;
    Request request;
    if (read_until(fd, data, [](const std::string& d) { return d.find("\r\n\r\n") != d.npos; })) {
      const std::size_t end = data.find("\r\n\r\n") + 4;
      request.head = data.substr(0, end - 2);
      const std::size_t length = content_length(request.head);
      read_until(fd, data, [&](const std::string& d) { return d.size() >= end + length; });
      request.body = data.substr(end, length);
    }
    Reply reply;
    {
      std::unique_lock lock(mutex_);
      requests_.push_back(request);
      reply = reply_;
      changed_.wait_for(lock, reply.delay, [this] { return stopping_; });
    }
    std::size_t sent = 0;
    while (sent < reply.raw.size()) {
      const ssize_t n = ::send(fd, reply.raw.data() + sent, reply.raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  Reply reply_{response(200), std::chrono::milliseconds(0)};
  std::vector<Request> requests_;
  std::vector<std::thread> connections_;
};

}  // namespace gatehouse::testing
