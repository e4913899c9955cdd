// Start-up, configuration errors, database availability, CLI and graceful shutdown.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace gatehouse::testing {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> base_env(const std::string& dir) {
  return {{"DATA_DIR", dir + "/data"},
          {"LOG_PATH", dir + "/logs"},
          {"SECRET_KEY", random_hex(32)},
          {"DATABASE_URL", "sqlite:///" + dir + "/data/gh.db"}};
}

struct TempDir {
  std::string path = make_temp_dir();
  ~TempDir() { remove_tree(path); }
};

TEST(Startup, NonNumericPortIsRefusedNamingTheVariable) {
  TempDir dir;
  auto env = base_env(dir.path);
  env["PORT"] = "abc";
  const auto r = run_gatehouse(env, {"serve"}, dir.path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("PORT"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("abc"), std::string::npos) << r.err;
}

TEST(Startup, UnsupportedDatabaseSchemeIsRefusedWithoutLeakingThePassword) {
  TempDir dir;
  auto env = base_env(dir.path);
  env["DATABASE_URL"] = "mysql://root:topsecretpw@localhost/app";
  const auto r = run_gatehouse(env, {"serve"}, dir.path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DATABASE_URL"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("topsecretpw"), std::string::npos) << r.err;
}

TEST(Startup, UnwritableDataDirectoryIsRefused) {
  TempDir dir;
  std::ofstream(dir.path + "/not-a-dir") << "x";
  auto env = base_env(dir.path);
  env["DATA_DIR"] = dir.path + "/not-a-dir/data";
  env["DATABASE_URL"] = "sqlite:///" + dir.path + "/not-a-dir/data/gh.db";
  const auto r = run_gatehouse(env, {"serve"}, dir.path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DATA_DIR"), std::string::npos) << r.err;
}

TEST(Startup, ProductionRefusesAWeakSecretKey) {
  TempDir dir;
  auto env = base_env(dir.path);
  env["ENVIRONMENT"] = "production";
  env["SECRET_KEY"] = "secret";
  const auto r = run_gatehouse(env, {"serve"}, dir.path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("SECRET_KEY"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\"secret\""), std::string::npos) << "the value itself is never echoed";
}

TEST(Startup, DevelopmentGeneratesAndKeepsASecretKeyWithAWarning) {
  TempDir dir;
  auto env = base_env(dir.path);
  env.erase("SECRET_KEY");
  const auto first = run_gatehouse(env, {"config", "check"}, dir.path);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("SECRET_KEY"), std::string::npos) << first.err;
  std::ifstream key_file(dir.path + "/data/secret_key");
  std::string key;
  std::getline(key_file, key);
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(first.out.find(key), std::string::npos) << "config check masks the secret";
  const auto second = run_gatehouse(env, {"config", "check"}, dir.path);
  EXPECT_NE(second.err.find("SECRET_KEY"), std::string::npos) << "warned at every start";
  std::ifstream again(dir.path + "/data/secret_key");
  std::string key2;
  std::getline(again, key2);
  EXPECT_EQ(key, key2);
}

// Start-up refusals name the variable (or address) and the reason, exit 1, and never
// say "Internal Server Error" (issue 9, item 12).
void expect_refusal(const GatehouseProcess::RunResult& r, const std::vector<std::string>& says) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const auto& s : says) EXPECT_NE(r.err.find(s), std::string::npos) << s << " in:\n" << r.err;
  EXPECT_EQ(r.err.find("Internal Server Error"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Bad Request"), std::string::npos) << r.err;
}

// An RSA private key in PEM, made here (test keys are generated, never committed).
std::string rsa_private_key_pem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

TEST(StartupErrors, MissingJwtKeyFileNamesTheVariableAndTheReason) {
  TempDir dir;
  auto env = base_env(dir.path);
  env["JWT_ALGORITHM"] = "ES256";
  env["JWT_PRIVATE_KEY_FILE"] = dir.path + "/absent.pem";
  expect_refusal(run_gatehouse(env, {"serve", "--port", "0"}, dir.path),
                 {"JWT_PRIVATE_KEY_FILE", dir.path + "/absent.pem", "No such file or directory"});
  // The CLI commands build the same components and say the same.
  expect_refusal(run_gatehouse(env, {"user", "list"}, dir.path),
                 {"JWT_PRIVATE_KEY_FILE", "No such file or directory"});
}

TEST(StartupErrors, GarbageJwtKeyIsNotAValidKey) {
  TempDir dir;
  std::ofstream(dir.path + "/bad.pem") << "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n";
  auto env = base_env(dir.path);
  env["JWT_ALGORITHM"] = "ES256";
  env["JWT_PRIVATE_KEY_FILE"] = dir.path + "/bad.pem";
  expect_refusal(run_gatehouse(env, {"serve", "--port", "0"}, dir.path),
                 {"JWT_PRIVATE_KEY_FILE", "bad.pem", "not a valid EC P-256 private key in PEM"});
}

TEST(StartupErrors, RsaKeyWithEs256SaysWhatItIs) {
  TempDir dir;
  std::ofstream(dir.path + "/rsa.pem") << rsa_private_key_pem();
  auto env = base_env(dir.path);
  env["JWT_ALGORITHM"] = "ES256";
  env["JWT_PRIVATE_KEY_FILE"] = dir.path + "/rsa.pem";
  const auto r = run_gatehouse(env, {"serve", "--port", "0"}, dir.path);
  expect_refusal(r, {"JWT_PRIVATE_KEY_FILE", "rsa.pem", "ES256 needs an EC key", "RSA"});
  EXPECT_EQ(r.err.find("PRIVATE KEY-----"), std::string::npos) << "no key material";
}

TEST(StartupErrors, KeyFileThatIsADirectoryIsUnreadable) {
  TempDir dir;
  auto env = base_env(dir.path);
  env["JWT_ALGORITHM"] = "RS256";
  env["JWT_PRIVATE_KEY_FILE"] = dir.path;
  expect_refusal(run_gatehouse(env, {"serve", "--port", "0"}, dir.path),
                 {"JWT_PRIVATE_KEY_FILE", "cannot read", "Is a directory"});
}

TEST(StartupErrors, PortInUseSaysWhichAddressAndWhy) {
  const int busy = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(busy, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(busy, 1), 0);
  socklen_t len = sizeof a;
  getsockname(busy, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string port = std::to_string(ntohs(a.sin_port));
  TempDir dir;
  auto env = base_env(dir.path);
  env["HOST"] = "127.0.0.1";
  const auto r = run_gatehouse(env, {"serve", "--port", port}, dir.path);
  ::close(busy);
  expect_refusal(r, {"cannot listen on 127.0.0.1:" + port, "Address already in use"});
}

TEST(Startup, ServesFromAnyWorkingDirectoryWithZeroSetup) {
  // Only DATA_DIR-free defaults: ./data/gatehouse.db relative to the working directory.
  TempDir dir;
  const std::map<std::string, std::string> env{{"LOG_PATH", dir.path + "/logs"}};
  const auto r = run_gatehouse(env, {"config", "check"}, dir.path);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("DATABASE_URL=sqlite:///./data/gatehouse.db"), std::string::npos) << r.out;
  const auto up = run_gatehouse(env, {"db", "upgrade"}, dir.path);
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(std::ifstream(dir.path + "/data/gatehouse.db").good());
}

TEST(Cli, VersionHelpAndBadUsage) {
  TempDir dir;
  const auto env = base_env(dir.path);
  const auto version = run_gatehouse(env, {"--version"}, dir.path);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("gatehouse "), std::string::npos);
  EXPECT_EQ(run_gatehouse(env, {"--help"}, dir.path).exit_code, 0);
  EXPECT_EQ(run_gatehouse(env, {}, dir.path).exit_code, 2);
  EXPECT_EQ(run_gatehouse(env, {"frobnicate"}, dir.path).exit_code, 2);
  EXPECT_EQ(run_gatehouse(env, {"serve", "--port", "notaport"}, dir.path).exit_code, 2);
}

TEST(Cli, ConfigCheckMasksSecrets) {
  TempDir dir;
  auto env = base_env(dir.path);
  env["MAIL_PASSWORD"] = "mailpw-" + random_hex(4);
  const auto r = run_gatehouse(env, {"config", "check"}, dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find(env["SECRET_KEY"]), std::string::npos);
  EXPECT_EQ(r.out.find(env["MAIL_PASSWORD"]), std::string::npos);
  EXPECT_NE(r.out.find("SECRET_KEY="), std::string::npos);
}

TEST(Cli, DbUpgradeInitAndDrop) {
  GatehouseProcess server;
  auto up = server.run_command({"db", "upgrade"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("upgraded from schema version 0 to"), std::string::npos) << up.out;
  auto again = server.run_command({"db", "upgrade"});
  EXPECT_EQ(again.exit_code, 0) << "upgrade is idempotent: " << again.err;
  EXPECT_NE(again.out.find("already at schema version"), std::string::npos) << again.out;
  auto cancelled = server.run_command({"db", "init"}, "n\n");
  EXPECT_EQ(cancelled.exit_code, 0);
  EXPECT_NE(cancelled.out.find("Operation Cancelled."), std::string::npos);
  auto init = server.run_command({"db", "init", "--force"});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("Done!"), std::string::npos);
  auto drop = server.run_command({"db", "drop", "--force"});
  EXPECT_EQ(drop.exit_code, 0) << drop.err;
}

TEST(Startup, AutoMigrateFalseLeavesTheSchemaAlone) {
  GatehouseProcess server({{"AUTO_MIGRATE", "false"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/heartbeat").status, 200);
  server.stop();
  // The schema was not created: an upgrade now has work to do and succeeds.
  auto up = server.run_command({"db", "upgrade"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("upgraded from schema version 0 to"), std::string::npos) << up.out;
}

TEST(Shutdown, SigtermDrainsAndExitsZero) {
  GatehouseProcess server;
  server.start();
  HttpClient idle(server.port());
  ASSERT_EQ(idle.get("/heartbeat").status, 200);
  // A request in the middle of its headers when the signal arrives is still answered.
  HttpClient busy(server.port());
  busy.connect();
  busy.send_raw("GET /heartbeat HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(200ms);
  std::atomic<int> code{-100};
  std::thread stopper([&] { code = server.stop(15); });
  EXPECT_TRUE(idle.wait_closed(3s)) << "idle keep-alive connections are closed at once";
  busy.send_raw("\r\n");
  auto r = busy.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection"), "close");
  stopper.join();
  EXPECT_EQ(code.load(), 0);
  // No longer accepting.
  HttpClient after(server.port());
  EXPECT_THROW(after.connect(), std::runtime_error);
}

TEST(Shutdown, SigintAlsoExitsZero) {
  GatehouseProcess server;
  server.start();
  EXPECT_EQ(server.stop(2), 0);
}

// A TCP forwarder that can be switched on later: it stands in for a PostgreSQL server that
// is down at start and comes back.
class LateProxy {
 public:
  LateProxy(int target_port) : target_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    // Not listening yet: connections are refused, like a server that is down.
  }
  ~LateProxy() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    if (acceptor_.joinable()) acceptor_.join();
    for (auto& t : pumps_) t.join();
  }
  int port() const { return port_; }
  void go_live() {
    ::listen(listen_fd_, 64);
    acceptor_ = std::thread([this] {
      while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const int client = ::accept(listen_fd_, nullptr, nullptr);
        if (client < 0) continue;
        const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(target_));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
          ::close(client);
          ::close(upstream);
          continue;
        }
        pumps_.emplace_back([this, client, upstream] { pump(client, upstream); });
      }
    });
  }

 private:
  void pump(int a, int b) {
    char buf[16384];
    while (!stop_) {
      pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
      if (::poll(p, 2, 100) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = ::recv(p[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          ::close(a);
          ::close(b);
          return;
        }
        ::send(i == 0 ? b : a, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
      }
    }
    ::close(a);
    ::close(b);
  }
  int target_;
  int listen_fd_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;
};

TEST(Database, UnreachablePostgresAtStartThenRecovery) {
  if (test_backend() != "postgres") {
    // The SQLite run checks the unreachable half against a closed port; the recovery half
    // needs a real PostgreSQL server and runs in the postgres run.
    GatehouseProcess server({{"DATABASE_URL", "postgresql://gatehouse:pw-x@127.0.0.1:1/nodb"},
                             {"DB_CONNECT_TIMEOUT_SECONDS", "1"}});
    server.start();
    EXPECT_NE(server.stderr_text().find("not reachable"), std::string::npos)
        << server.stderr_text();
    EXPECT_EQ(server.stderr_text().find("pw-x"), std::string::npos) << "password never logged";
    HttpClient c(server.port());
    EXPECT_EQ(c.get("/heartbeat").status, 200);
    const auto ready = c.get("/ready");
    EXPECT_EQ(ready.status, 503);
    EXPECT_EQ(ready.body, R"({"status":"error","database":"error","redis":"disabled"})");
    return;
  }
  ScratchPostgres db;  // a real database, reached through a proxy that is down at first
  const std::string url = db.url();
  const auto at = url.rfind('@');
  const auto colon = url.find(':', at);
  const auto slash = url.find('/', colon);
  const int real_port = std::stoi(url.substr(colon + 1, slash - colon - 1));
  LateProxy proxy(real_port);
  const std::string proxied =
      url.substr(0, colon + 1) + std::to_string(proxy.port()) + url.substr(slash);
  GatehouseProcess server({{"DATABASE_URL", proxied}, {"DB_CONNECT_TIMEOUT_SECONDS", "1"}});
  server.start();
  EXPECT_NE(server.stderr_text().find("not reachable"), std::string::npos);
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/ready").status, 503);
  EXPECT_EQ(c.get("/heartbeat").status, 200);
  proxy.go_live();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = c.get("/ready").status;
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200) << "recovered without a restart";
  server.stop();
}

}  // namespace
}  // namespace gatehouse::testing
