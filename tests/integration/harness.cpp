#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "traffic_recorder.hpp"

namespace gatehouse::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string test_backend() {
  const char* b = std::getenv("GATEHOUSE_TEST_BACKEND");
  return b && std::string(b) == "postgres" ? "postgres" : "sqlite";
}

bool add_cli_cache_channel(std::map<std::string, std::string>& env) {
  if (test_backend() != "postgres") return true;
  const char* redis = std::getenv("TEST_REDIS_URL");
  if (redis == nullptr) return false;
  env["REDIS_URL"] = redis;
  return true;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string random_hex(std::size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto b = static_cast<unsigned>(rng() & 0xFF);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "gatehouse-it-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- HttpClient

HttpClient::HttpClient(int port) : port_(port) {}
HttpClient::~HttpClient() { close(); }

void HttpClient::connect() {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string err = std::strerror(errno);
    close();
    throw std::runtime_error("connect failed: " + err);
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  buffer_.clear();
}

void HttpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void HttpClient::send_raw(const std::string& bytes) {
  if (fd_ < 0) connect();
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }
}

namespace {

// Reads more bytes into `buf`; false on EOF/error/timeout.
bool read_more(int fd, std::string& buf, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char tmp[16384];
  const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf.append(tmp, static_cast<std::size_t>(n));
  return true;
}

}  // namespace

std::optional<HttpResponse> HttpClient::read_response(std::chrono::milliseconds timeout,
                                                      bool head_request) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more(fd_, buffer_, deadline)) return std::nullopt;
  }
  HttpResponse resp;
  std::istringstream head(buffer_.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) return std::nullopt;
  resp.status = std::stoi(line.substr(9, 3));
  std::optional<std::size_t> content_length;
  bool chunked = false;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-length") content_length = std::stoul(value);
    if (lower == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
    resp.headers.emplace_back(name, value);
  }
  buffer_.erase(0, header_end + 4);
  if (chunked) throw std::runtime_error("chunked responses are not expected from gatehouse");
  const std::size_t need = head_request ? 0 : content_length.value_or(0);
  while (buffer_.size() < need) {
    if (!read_more(fd_, buffer_, deadline)) return std::nullopt;
  }
  resp.body = buffer_.substr(0, need);
  buffer_.erase(0, need);
  return resp;
}

bool HttpClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    char tmp[4096];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return true;
    buffer_.append(tmp, static_cast<std::size_t>(n));
  }
  return false;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_ct = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    if (k == "Content-Type") has_ct = true;
  }
  if (!body.empty() && !has_ct) req += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) connect();
    try {
      send_raw(req);
    } catch (const std::exception&) {
      close();
      continue;
    }
    if (auto resp = read_response(std::chrono::seconds(10), method == "HEAD")) {
      record_exchange(port_, method, target, headers, body, *resp);
      return *resp;
    }
    close();  // the server closed a kept-alive connection: retry once on a new one
  }
  throw std::runtime_error("no response to " + method + " " + target);
}

// ---------------------------------------------------------------- ScratchPostgres

ScratchPostgres::ScratchPostgres() {
  const char* dsn = std::getenv("TEST_PG_DSN");
  if (!dsn || !*dsn) {
    throw std::runtime_error(
        "GATEHOUSE_TEST_BACKEND=postgres needs TEST_PG_DSN (run: scripts/services start)");
  }
  admin_dsn_ = dsn;
  name_ = "gh_it_" + random_hex(6);
  PGconn* c = PQconnectdb(admin_dsn_.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string err = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot reach TEST_PG_DSN: " + err);
  }
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name_).c_str());
  const bool okc = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string err = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!okc) throw std::runtime_error("CREATE DATABASE failed: " + err);
  const auto slash = admin_dsn_.rfind('/');
  url_ = admin_dsn_.substr(0, slash + 1) + name_;
}

ScratchPostgres::~ScratchPostgres() {
  PGconn* c = PQconnectdb(admin_dsn_.c_str());
  if (PQstatus(c) == CONNECTION_OK) {
    PQclear(PQexec(c, ("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str()));
  }
  PQfinish(c);
}

// ---------------------------------------------------------------- processes

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int spawn(const std::map<std::string, std::string>& env, const std::vector<std::string>& args,
          const std::string& cwd, const std::string& out_path, const std::string& err_path,
          const std::string& in_path,
          std::optional<std::pair<unsigned long, unsigned long>> open_files_limit = {}) {
  std::vector<std::string> env_strings;
  if (const char* path = std::getenv("PATH")) env_strings.push_back(std::string("PATH=") + path);
  for (const char* keep : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(keep)) env_strings.push_back(std::string(keep) + "=" + v);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  // An extension's tests run its own server binary (cmake/Extension.cmake).
  const char* binary = std::getenv("GATEHOUSE_TEST_SERVER_BINARY");
  std::vector<std::string> argv_strings{binary != nullptr ? binary : GATEHOUSE_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    if (open_files_limit) {
      const rlimit lim{open_files_limit->first, open_files_limit->second};
      if (setrlimit(RLIMIT_NOFILE, &lim) != 0) _exit(127);
    }
    const int in = in_path.empty() ? open("/dev/null", O_RDONLY) : open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(int pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

GatehouseProcess::RunResult run_gatehouse(const std::map<std::string, std::string>& env,
                                          const std::vector<std::string>& args,
                                          const std::string& cwd, const std::string& stdin_text) {
  const std::string tmp = make_temp_dir();
  const std::string in_path = tmp + "/stdin";
  { std::ofstream(in_path) << stdin_text; }
  const int pid = spawn(env, args, cwd, tmp + "/stdout", tmp + "/stderr", in_path);
  const int code = wait_exit(pid, std::chrono::seconds(60));
  GatehouseProcess::RunResult result{code, read_file(tmp + "/stdout"), read_file(tmp + "/stderr")};
  remove_tree(tmp);
  return result;
}

GatehouseProcess::GatehouseProcess(std::map<std::string, std::string> env) {
  dir_ = make_temp_dir();
  data_dir_ = dir_ + "/data";
  env_["DATA_DIR"] = data_dir_;
  env_["LOG_PATH"] = dir_ + "/logs";
  env_["SECRET_KEY"] = random_hex(32);
  env_["HOST"] = "127.0.0.1";
  env_["IO_THREADS"] = "2";
  env_["WORKER_THREADS"] = "4";
  // Cheap hashes: the real cost is measured in a few dedicated tests and the benchmarks.
  env_["ARGON2_MEMORY_KIB"] = "8";
  env_["ARGON2_ITERATIONS"] = "1";
  env_["BCRYPT_ROUNDS"] = "4";
  if (test_backend() == "postgres" && env.find("DATABASE_URL") == env.end()) {
    pg_.emplace();
    env_["DATABASE_URL"] = pg_->url();
  } else {
    env_["DATABASE_URL"] = "sqlite:///" + data_dir_ + "/gatehouse.db";
  }
  for (auto& [k, v] : env) env_[k] = v;
}

GatehouseProcess::~GatehouseProcess() {
  if (pid_ > 0) stop(SIGKILL, std::chrono::seconds(5));
  remove_tree(dir_);
}

void GatehouseProcess::start() {
  // A restart: the child truncates its stderr only after the fork, so the previous run's
  // "listening on" line must not be read as this one's.
  std::remove((dir_ + "/stderr").c_str());
  pid_ = spawn(env_, args_, dir_, dir_ + "/stdout", dir_ + "/stderr", "", open_files_limit_);
  const std::regex listening(R"(listening on http://[^:]+:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string err = stderr_text();
    if (std::regex_search(err, m, listening)) {
      port_ = std::stoi(m[1]);
      note_server(port_, env_);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("gatehouse exited during start:\n" + stderr_text());
    }
    std::this_thread::sleep_for(20ms);
  }
  throw std::runtime_error("gatehouse did not start in time:\n" + stderr_text());
}

int GatehouseProcess::stop(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const int code = wait_exit(pid_, timeout);
  pid_ = -1;
  return code;
}

bool GatehouseProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

std::string GatehouseProcess::stderr_text() const { return read_file(dir_ + "/stderr"); }

std::string GatehouseProcess::log_text() const {
  const auto it = env_.find("LOG_FILENAME");
  return read_file(env_.at("LOG_PATH") + "/" + (it == env_.end() ? "api.log" : it->second));
}

GatehouseProcess::RunResult GatehouseProcess::run_command(const std::vector<std::string>& args,
                                                          const std::string& stdin_text) {
  return run_gatehouse(env_, args, dir_, stdin_text);
}

ShellResult run_shell(const std::string& command) {
  ShellResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

}  // namespace gatehouse::testing
