#pragma once
// tests/tools/smtp_sink.py as a child process for tests that need a real SMTP server on
// loopback (SMTP is tested against a real local sink, not a mock). Header-only; shared by the
// unit and integration tests.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/port_child.hpp"

namespace gatehouse::testing {

namespace fs = std::filesystem;

// tests/tools/smtp_sink.py as a child process (PortChild), stopped when this goes away.
class SmtpSink {
 public:
  explicit SmtpSink(const fs::path& dir) {
    const fs::path script = fs::path(__FILE__).parent_path() / "../tools/smtp_sink.py";
    if (!fs::exists(script)) {
      error_ = "smtp_sink.py not found at " + script.string();
      return;
    }
    child_ = std::make_unique<PortChild>(
        "smtp_sink.py", std::vector<std::string>{"python3", script.string(), "--dir", dir.string(),
                                                 "--port", "0", "--timeout", "120"});
    error_ = child_->error();
  }

  int port() const { return child_ ? child_->port() : 0; }
  const std::string& error() const { return error_; }

 private:
  std::unique_ptr<PortChild> child_;
  std::string error_;
};

}  // namespace gatehouse::testing
