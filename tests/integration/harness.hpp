#pragma once
// Integration-test harness: starts the real gatehouse binary on a free port with a fresh
// database (a temp SQLite file, or a throwaway PostgreSQL database created on the server
// named by TEST_PG_DSN) and speaks HTTP to it over real sockets.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::testing {

// "sqlite" or "postgres", from GATEHOUSE_TEST_BACKEND (default sqlite).
std::string test_backend();

// Gives `env` a channel through which CLI commands reach the server's response cache: on
// SQLite the shared generation needs nothing; on PostgreSQL it adds REDIS_URL from
// TEST_REDIS_URL. False on PostgreSQL without it (the caller skips).
bool add_cli_cache_channel(std::map<std::string, std::string>& env);

// Random lower-case hex string of `bytes` random bytes.
std::string random_hex(std::size_t bytes);

// Polls `done` every 10 ms until it holds or `timeout` passes; whether it held. Tests wait on
// a condition with a deadline instead of sleeping for a guessed time.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(const std::string& name) const;
};

// A keep-alive HTTP/1.1 client on one connection; reconnects when the server closed it.
class HttpClient {
 public:
  explicit HttpClient(int port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& body = {});
  HttpResponse get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return request("GET", target, headers);
  }

  // Raw access for malformed-input tests.
  void connect();
  void send_raw(const std::string& bytes);
  // Reads one response; nullopt when the connection closed first or `timeout` passed. The
  // answer to a HEAD request (`head_request`) has no body whatever its Content-Length says.
  std::optional<HttpResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head_request = false);
  // True when the server closed the connection (EOF) within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

 private:
  int port_;
  int fd_ = -1;
  std::string buffer_;
};

// A throwaway PostgreSQL database on the TEST_PG_DSN server, dropped on destruction.
class ScratchPostgres {
 public:
  ScratchPostgres();
  ~ScratchPostgres();
  const std::string& url() const { return url_; }

 private:
  std::string admin_dsn_;
  std::string name_;
  std::string url_;
};

class GatehouseProcess {
 public:
  // `env` adds to / overrides the defaults: a fresh DATA_DIR and database, LOG_PATH, a
  // generated SECRET_KEY, PORT chosen by the kernel.
  explicit GatehouseProcess(std::map<std::string, std::string> env = {});
  GatehouseProcess(std::initializer_list<std::pair<const std::string, std::string>> env)
      : GatehouseProcess(std::map<std::string, std::string>(env)) {}
  ~GatehouseProcess();
  GatehouseProcess(const GatehouseProcess&) = delete;
  GatehouseProcess& operator=(const GatehouseProcess&) = delete;

  // Starts the server with this RLIMIT_NOFILE (soft, hard), as `ulimit -n` would; call
  // before start().
  void set_open_files_limit(unsigned long soft, unsigned long hard) {
    open_files_limit_ = std::pair{soft, hard};
  }

  // Starts and waits for "listening on"; throws std::runtime_error with stderr on failure.
  void start();
  int pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::map<std::string, std::string>& env() const { return env_; }
  // Changes the environment of the next start() (a restart on the same data and database
  // with other settings, e.g. a key rotation); an empty value removes the variable.
  void set_env(const std::string& name, const std::string& value) {
    if (value.empty()) {
      env_.erase(name);
    } else {
      env_[name] = value;
    }
  }

  // Sends `signal` and waits for the exit; returns the exit code (128+n when killed).
  int stop(int signal = 15, std::chrono::seconds timeout = std::chrono::seconds(20));
  bool running();
  std::string stderr_text() const;
  std::string log_text() const;

  // Runs the binary to completion with this process's environment (CLI commands).
  struct RunResult {
    int exit_code;
    std::string out;
    std::string err;
  };
  RunResult run_command(const std::vector<std::string>& args, const std::string& stdin_text = {});

 private:
  std::map<std::string, std::string> env_;
  std::vector<std::string> args_{"serve", "--port", "0"};
  std::string dir_;
  std::string data_dir_;
  std::optional<ScratchPostgres> pg_;
  int pid_ = -1;
  int port_ = 0;
  std::optional<std::pair<unsigned long, unsigned long>> open_files_limit_;
};

// Runs the gatehouse binary once with exactly `env` (plus PATH) in `cwd`.
GatehouseProcess::RunResult run_gatehouse(const std::map<std::string, std::string>& env,
                                          const std::vector<std::string>& args,
                                          const std::string& cwd,
                                          const std::string& stdin_text = {});

// Runs `command` with /bin/sh, stdout and stderr together.
struct ShellResult {
  int status = -1;  // the exit code; -1 when it did not exit normally
  std::string output;
};
ShellResult run_shell(const std::string& command);

std::string make_temp_dir();
void remove_tree(const std::string& path);

}  // namespace gatehouse::testing
