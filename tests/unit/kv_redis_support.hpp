#pragma once
// Redis for the kv tests: the shared test server of `scripts/services` (TEST_REDIS_URL),
// and throwaway redis-server processes a test may stop and restart at will.
// With GATEHOUSE_REQUIRE_POSTGRES=1 (CI: "the services exist") a missing TEST_REDIS_URL or
// redis-server fails the test instead of skipping it, as store_parity_test does.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include "kv/redis/redis_client.hpp"

namespace gatehouse::kv::testing_support {

inline bool services_required() {
  const char* v = std::getenv("GATEHOUSE_REQUIRE_POSTGRES");
  return v != nullptr && std::string(v) == "1";
}

// Options for TEST_REDIS_URL (redis://[:password@]host:port[/db]); nullopt when unset.
inline std::optional<RedisOptions> test_redis_options() {
  const char* url = std::getenv("TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  std::string rest(url);
  if (const auto s = rest.find("://"); s != std::string::npos) rest = rest.substr(s + 3);
  RedisOptions o;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string user_info = rest.substr(0, at);
    if (const auto colon = user_info.find(':'); colon != std::string::npos) {
      o.password = user_info.substr(colon + 1);
    }
    rest = rest.substr(at + 1);
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty()) o.db = std::stoi(db);
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    o.port = std::stoi(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  o.host = rest;
  o.retry_backoff = std::chrono::milliseconds(100);
  return o;
}

// A key prefix no other test (or test process) uses.
inline std::string unique_prefix() {
  static std::atomic<int> counter{0};
  return "gh-test:" + std::to_string(getpid()) + ":" + std::to_string(++counter) + ":";
}

// Skips (or, with GATEHOUSE_REQUIRE_POSTGRES=1, fails) a test without TEST_REDIS_URL.
#define REQUIRE_TEST_REDIS()                                                                  \
  do {                                                                                        \
    if (!::gatehouse::kv::testing_support::test_redis_options()) {                            \
      if (::gatehouse::kv::testing_support::services_required())                              \
        FAIL() << "GATEHOUSE_REQUIRE_POSTGRES=1 but TEST_REDIS_URL is unset";                 \
      GTEST_SKIP() << "TEST_REDIS_URL is not set: Redis tests skipped (run scripts/services " \
                      "start && source <(scripts/services env))";                             \
    }                                                                                         \
  } while (0)

inline bool redis_server_installed() {
  return std::system("command -v redis-server >/dev/null") == 0;
}

// Skips (or fails, as above) a test that needs the redis-server binary.
#define REQUIRE_REDIS_SERVER()                                                      \
  do {                                                                              \
    if (!::gatehouse::kv::testing_support::redis_server_installed()) {              \
      if (::gatehouse::kv::testing_support::services_required())                    \
        FAIL() << "GATEHOUSE_REQUIRE_POSTGRES=1 but redis-server is not installed"; \
      GTEST_SKIP() << "redis-server is not installed";                              \
    }                                                                               \
  } while (0)

// A loopback port nobody listens on right now.
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

inline bool port_open(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A redis-server child process on 127.0.0.1:port, without persistence. Stopped with
// SIGKILL (a crash) by stop() and by the destructor.
class RedisServerProcess {
 public:
  explicit RedisServerProcess(int port, std::string password = "")
      : port_(port), password_(std::move(password)) {}
  ~RedisServerProcess() { stop(); }
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  // Starts the server and waits until it accepts connections (up to 5 s).
  bool start() {
    const std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ == 0) {
      // Child: quiet, no files written.
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      if (password_.empty()) {
        execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", "/tmp", static_cast<char*>(nullptr));
      } else {
        execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", "/tmp", "--requirepass",
               password_.c_str(), static_cast<char*>(nullptr));
      }
      _exit(127);
    }
    for (int i = 0; i < 250; ++i) {
      if (port_open(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  RedisOptions options() const {
    RedisOptions o;
    o.host = "127.0.0.1";
    o.port = port_;
    o.password = password_;
    o.connect_timeout = std::chrono::milliseconds(200);
    o.command_timeout = std::chrono::milliseconds(500);
    o.retry_backoff = std::chrono::milliseconds(100);
    o.key_prefix = unique_prefix();
    return o;
  }
  int port() const { return port_; }

 private:
  int port_;
  std::string password_;
  pid_t pid_ = -1;
};

}  // namespace gatehouse::kv::testing_support
