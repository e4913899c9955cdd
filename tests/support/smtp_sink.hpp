#pragma once
// tests/tools/smtp_sink.py as a child process for tests that need a real SMTP server on
// loopback (SMTP is tested against a real local sink, not a mock). Header-only; shared by the
// unit and integration tests.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace gatehouse::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// tests/tools/smtp_sink.py as a child process, stopped (SIGTERM) when this goes away.
class SmtpSink {
 public:
  explicit SmtpSink(const fs::path& dir) {
    const fs::path script = fs::path(__FILE__).parent_path() / "../tools/smtp_sink.py";
    if (!fs::exists(script)) {
      error_ = "smtp_sink.py not found at " + script.string();
      return;
    }
    int out[2];
    if (::pipe(out) != 0) {
      error_ = "pipe failed";
      return;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execlp("python3", "python3", script.c_str(), "--dir", dir.c_str(), "--port", "0",
               "--timeout", "120", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    // The sink prints its port once it listens; give it 10 s.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
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
    if (port_ <= 0) error_ = "smtp_sink.py did not report a port: '" + line + "'";
  }
  ~SmtpSink() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

}  // namespace gatehouse::testing
