// GET /auth/check behind a real nginx (docs/forward-auth.md, "nginx"): `auth_request` asks
// Gatehouse on every request and passes the identity to an upstream, here a second nginx
// server that echoes the X-Auth-* headers it received. Shows that an anonymous request is
// refused, a token's identity reaches the upstream, a client's forged X-Auth-User-Id is
// overwritten, a revoked session is refused on the very next request, and X-Auth-Require-Role
// set by the proxy guards an admin area.
//
// Needs /usr/sbin/nginx (scripts/bootstrap installs nginx-light, built with
// http_auth_request_module). Skipped when it is missing, unless CI is set: under CI (and
// make test) a missing nginx fails.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

// A port the kernel had free a moment ago (nginx needs a number in its configuration).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The proxy: `front` asks Gatehouse (`gatehouse` port) through auth_request and proxies to
// `app`, the echoing upstream. /admin/ asks with X-Auth-Require-Role: admin.
std::string nginx_conf(const std::string& dir, int front, int app, int gatehouse) {
  const std::string identity = R"(
      auth_request_set $auth_uid $upstream_http_x_auth_user_id;
      auth_request_set $auth_email $upstream_http_x_auth_email;
      auth_request_set $auth_role $upstream_http_x_auth_role;
      auth_request_set $auth_scopes $upstream_http_x_auth_scopes;
      auth_request_set $auth_sid $upstream_http_x_auth_session_id;
      proxy_set_header X-Auth-User-Id $auth_uid;
      proxy_set_header X-Auth-Email $auth_email;
      proxy_set_header X-Auth-Role $auth_role;
      proxy_set_header X-Auth-Scopes $auth_scopes;
      proxy_set_header X-Auth-Session-Id $auth_sid;
      proxy_set_header Authorization "";
      proxy_set_header X-API-Key "";
      proxy_pass http://127.0.0.1:)" +
                               std::to_string(app) + ";\n";
  const std::string check = R"(
      internal;
      proxy_pass http://gatehouse/auth/check;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
)";
  return "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + dir +
         "/nginx.pid;\nerror_log " + dir +
         "/error.log info;\nevents { worker_connections 64; }\nhttp {\n"
         "  access_log off;\n"
         "  client_body_temp_path " +
         dir + ";\n  proxy_temp_path " + dir + ";\n  fastcgi_temp_path " + dir +
         ";\n  uwsgi_temp_path " + dir + ";\n  scgi_temp_path " + dir +
         ";\n"
         "  upstream gatehouse { server 127.0.0.1:" +
         std::to_string(gatehouse) +
         "; keepalive 4; }\n"
         "  server {\n    listen 127.0.0.1:" +
         std::to_string(front) +
         ";\n"
         "    location = /_auth {" +
         check +
         "    }\n"
         "    location = /_auth_admin {" +
         check +
         "      proxy_set_header X-Auth-Require-Role admin;\n"
         "    }\n"
         "    location / {\n      auth_request /_auth;" +
         identity +
         "    }\n"
         "    location /admin/ {\n      auth_request /_auth_admin;" +
         identity +
         "    }\n"
         "  }\n"
         "  server {\n    listen 127.0.0.1:" +
         std::to_string(app) +
         ";\n"
         "    default_type text/plain;\n"
         "    location / {\n"
         "      return 200 \"uid=$http_x_auth_user_id email=$http_x_auth_email "
         "role=$http_x_auth_role sid=$http_x_auth_session_id "
         "authorization=$http_authorization\\n\";\n"
         "    }\n"
         "  }\n"
         "}\n";
}

// nginx in the foreground (daemon off, no master), started and stopped by this test only.
class Nginx {
 public:
  Nginx(int gatehouse_port) : dir_(make_temp_dir()) {
    front_ = free_port();
    app_ = free_port();
    const std::string conf = dir_ + "/nginx.conf";
    std::ofstream(conf) << nginx_conf(dir_, front_, app_, gatehouse_port);
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string err = dir_ + "/stderr.log";
      std::freopen(err.c_str(), "w", stderr);
      std::freopen("/dev/null", "w", stdout);
      const std::string errlog = dir_ + "/error.log";
      ::execl(kNginx, kNginx, "-p", dir_.c_str(), "-c", conf.c_str(), "-e", errlog.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ready_ = wait_until(
                 [&] {
                   int status = 0;
                   if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                     pid_ = -1;
                     return true;  // exited: not ready
                   }
                   return listening(front_) && listening(app_);
                 },
                 std::chrono::seconds(10)) &&
             pid_ > 0;
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    remove_tree(dir_);
  }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  bool ready() const { return ready_; }
  int port() const { return front_; }
  std::string logs() const {
    return read_text(dir_ + "/stderr.log") + read_text(dir_ + "/error.log");
  }

 private:
  static bool listening(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }

  std::string dir_;
  int front_ = 0;
  int app_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

// One request to nginx, not recorded for the OpenAPI traffic check (nginx's paths and
// answers are not Gatehouse's).
HttpResponse via_proxy(int port, const std::string& method, const std::string& target,
                       const Headers& headers = {}) {
  HttpClient c(port);
  c.connect();
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req.append(k).append(": ").append(v).append("\r\n");
  if (method != "GET" && method != "HEAD") req += "Content-Length: 0\r\n";
  req += "\r\n";
  c.send_raw(req);
  auto r = c.read_response(std::chrono::seconds(10), method == "HEAD");
  if (!r) throw std::runtime_error("no answer from nginx to " + method + " " + target);
  return *r;
}

std::string sid_of(const std::string& token) {
  const auto claims = jwt_payload(token);
  const auto* sid = claims.if_contains("sid");
  return sid && sid->is_string() ? std::string(sid->as_string()) : "";
}

bool nginx_available() {
  if (::access(kNginx, X_OK) == 0) return true;
  const char* ci = std::getenv("CI");
  if (ci && *ci) {
    ADD_FAILURE() << kNginx << " is missing and CI is set: install nginx-light (scripts/bootstrap)";
  }
  return false;
}

TEST(ForwardAuthNginx, AuthRequestPassesTheIdentityAndRefusesTheRest) {
  if (!nginx_available()) GTEST_SKIP() << kNginx << " is not installed (and CI is unset)";
  auto& server = shared_server();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c, "nginx-fwd");
  const Nginx nginx(server.port());
  ASSERT_TRUE(nginx.ready()) << nginx.logs();
  const std::string echo_of_u = "uid=" + std::to_string(u.id) + " email=" + u.email +
                                " role=user sid=" + sid_of(u.tokens.token) + " authorization=\n";

  const auto anonymous = via_proxy(nginx.port(), "GET", "/app/page");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body << nginx.logs();
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(via_proxy(nginx.port(), "GET", "/app/page", bearer("not.a.token")).status, 401);

  const auto ok = via_proxy(nginx.port(), "GET", "/app/page", u.auth());
  EXPECT_EQ(ok.status, 200) << ok.body << nginx.logs();
  EXPECT_EQ(ok.body, echo_of_u);
  // auth_request sends the subrequest with the client's method: HEAD and POST pass too.
  EXPECT_EQ(via_proxy(nginx.port(), "HEAD", "/app/page", u.auth()).status, 200);
  const auto post = via_proxy(nginx.port(), "POST", "/app/form", u.auth());
  EXPECT_EQ(post.status, 200) << nginx.logs();
  EXPECT_EQ(post.body, echo_of_u);
  for (const char* method : {"PUT", "PATCH", "DELETE"}) {
    const auto r = via_proxy(nginx.port(), method, "/app/form", u.auth());
    EXPECT_EQ(r.status, 200) << method << nginx.logs();
    EXPECT_EQ(r.body, echo_of_u) << method;
    EXPECT_EQ(via_proxy(nginx.port(), method, "/app/form").status, 401) << method;
  }

  // A client's own X-Auth-* headers never reach the upstream: proxy_set_header replaces them.
  Headers forged = u.auth();
  forged.emplace_back("X-Auth-User-Id", "1");
  forged.emplace_back("X-Auth-Role", "admin");
  forged.emplace_back("X-Auth-Email", "root@example.com");
  const auto overwritten = via_proxy(nginx.port(), "GET", "/app/page", forged);
  EXPECT_EQ(overwritten.status, 200);
  EXPECT_EQ(overwritten.body, echo_of_u);
  // Without a credential the forged headers get nowhere at all.
  const auto forged_only = via_proxy(nginx.port(), "GET", "/app/page",
                                     {{"X-Auth-User-Id", "1"}, {"X-Auth-Role", "admin"}});
  EXPECT_EQ(forged_only.status, 401);

  // The admin area: the proxy requires the role, a user is refused with 403.
  EXPECT_EQ(via_proxy(nginx.port(), "GET", "/admin/panel", u.auth()).status, 403);
  const TestUser admin = make_admin(server, c, "nginx-fwd-admin");
  const auto admin_page = via_proxy(nginx.port(), "GET", "/admin/panel", admin.auth());
  EXPECT_EQ(admin_page.status, 200) << nginx.logs();
  EXPECT_NE(admin_page.body.find("uid=" + std::to_string(admin.id) + " "), std::string::npos)
      << admin_page.body;
  EXPECT_NE(admin_page.body.find(" role=admin "), std::string::npos) << admin_page.body;

  // No cache anywhere: the request right after the logout is refused.
  ASSERT_EQ(c.request("POST", "/logout/", u.auth()).status, 204);
  const auto revoked = via_proxy(nginx.port(), "GET", "/app/page", u.auth());
  EXPECT_EQ(revoked.status, 401) << revoked.body;
}

}  // namespace
}  // namespace gatehouse::testing
