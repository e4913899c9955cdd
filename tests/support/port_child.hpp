#pragma once
// A helper program run as a child process that prints the port it listens on as the first
// line of its standard output (tests/tools/smtp_sink.py, tests/node/webhook-receiver.mjs).
// Stopped with SIGTERM and reaped when this goes away. Header-only.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace gatehouse::testing {

class PortChild {
 public:
  // Runs `argv` (argv[0] looked up in PATH) and waits up to 10 s for its port; `name` is what
  // error() calls the program.
  PortChild(const std::string& name, const std::vector<std::string>& argv) {
    int out[2];
    if (argv.empty() || ::pipe(out) != 0) {
      error_ = "cannot start a child process";
      return;
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[64];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0) error_ = name + " did not report a port: '" + line + "'";
  }
  ~PortChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  PortChild(const PortChild&) = delete;
  PortChild& operator=(const PortChild&) = delete;

  int port() const { return port_; }
  // Empty once the child listens.
  const std::string& error() const { return error_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

}  // namespace gatehouse::testing
