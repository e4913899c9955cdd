// SmtpSender against a real SMTP server: tests/tools/smtp_sink.py on loopback (SMTP is tested
// against a real local sink, not a mock). Also: an unreachable server fails fast, as a
// value, without the password in the error.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "mail/smtp_sender.hpp"
#include "support/smtp_sink.hpp"

namespace gatehouse::mail {
namespace {

using gatehouse::testing::SmtpSink;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// A loopback port with nothing listening: bound, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class MailSmtpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gatehouse-mail-smtp-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::MailSettings settings(int port) const {
    config::MailSettings s;
    s.server = "127.0.0.1";
    s.port = port;
    s.starttls = false;
    s.ssl_tls = false;
    s.use_credentials = false;
    s.from = "noreply@example.com";
    s.from_name = "My App";
    return s;
  }

  // Waits (up to 5 s) for the sink's <n>.eml.
  std::string received(int n) const {
    const fs::path p = dir_ / (std::to_string(n) + ".eml");
    for (int i = 0; i < 100 && !fs::exists(p); ++i) std::this_thread::sleep_for(50ms);
    return fs::exists(p) ? read_all(p) : std::string();
  }

  fs::path dir_;
};

TEST_F(MailSmtpTest, DeliversAMultipartMessage) {
  const SmtpSink sink(dir_);
  ASSERT_TRUE(sink.error().empty()) << sink.error();
  SmtpSender sender(settings(sink.port()));
  EXPECT_EQ(sender.url(), "smtp://127.0.0.1:" + std::to_string(sink.port()));

  const EmailMessage m{"jane@example.com", "Jane Doe", "My App - Password Reset",
                       "<p>Reset: <a href=\"http://x/reset-password/?code=t\">link</a></p>\n",
                       "Reset:\n\nhttp://x/reset-password/?code=t\n.\n.leading dot\n"};
  const Status s = sender.send(m);
  ASSERT_TRUE(s) << s.error().cause;

  const std::string eml = received(1);
  ASSERT_FALSE(eml.empty());
  EXPECT_TRUE(contains(eml, "\r\nTo: Jane Doe <jane@example.com>\r\n"));
  EXPECT_TRUE(contains(eml, "\r\nFrom: My App <noreply@example.com>\r\n"));
  EXPECT_TRUE(contains(eml, "\r\nSubject: My App - Password Reset\r\n"));
  EXPECT_TRUE(contains(eml, "multipart/alternative; boundary="));
  EXPECT_TRUE(contains(eml, "Content-Type: text/plain; charset=utf-8"));
  EXPECT_TRUE(contains(eml, "Content-Type: text/html; charset=utf-8"));
  // Lines that start with a dot survive SMTP's dot-stuffing (curl stuffs, the sink unstuffs).
  EXPECT_TRUE(contains(eml,
                       "\r\n\r\nReset:\r\n\r\nhttp://x/reset-password/?code=t\r\n.\r\n"
                       ".leading dot\r\n"));
  EXPECT_TRUE(
      contains(eml, "<p>Reset: <a href=\"http://x/reset-password/?code=t\">link</a></p>\r\n"));

  const std::string envelope = read_all(dir_ / "1.envelope");
  EXPECT_EQ(envelope, "MAIL FROM: noreply@example.com\nRCPT TO: jane@example.com\n");

  // A second message on a new connection.
  ASSERT_TRUE(sender.send({"bob@example.com", "", "Second", "<p>2</p>", "2"}));
  EXPECT_TRUE(contains(received(2), "\r\nTo: <bob@example.com>\r\n"));
}

TEST_F(MailSmtpTest, FactoryBuildsAWorkingSmtpSender) {
  const SmtpSink sink(dir_);
  ASSERT_TRUE(sink.error().empty()) << sink.error();
  const MailSenderPtr sender = make_mail_sender(settings(sink.port()));
  ASSERT_TRUE(sender->send({"jane@example.com", "", "Hi", "<p>hi</p>", "hi"}));
  EXPECT_TRUE(contains(received(1), "\r\nSubject: Hi\r\n"));
}

TEST_F(MailSmtpTest, ClosedPortFailsFastWithoutThePassword) {
  config::MailSettings s = settings(closed_port());
  s.use_credentials = true;
  s.username = "user";
  s.password = "s3cret-PW";
  SmtpSender sender(s);
  const auto start = std::chrono::steady_clock::now();
  Status result = ok();
  EXPECT_NO_THROW(result = sender.send({"jane@example.com", "", "Hi", "<p>hi</p>", "hi"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(contains(result.error().cause, "127.0.0.1")) << result.error().cause;
  EXPECT_FALSE(contains(result.error().cause, "s3cret-PW"));
  EXPECT_FALSE(contains(result.error().public_message, "s3cret-PW"));
}

TEST_F(MailSmtpTest, InvalidAddressesAreRefusedBeforeConnecting) {
  SmtpSender sender(settings(closed_port()));
  const auto bad_rcpt = sender.send({"jane@example.com>\r\nRCPT TO:<x@y", "", "s", "h", "t"});
  ASSERT_FALSE(bad_rcpt);
  EXPECT_EQ(bad_rcpt.error().code, ErrorCode::kInvalidInput);

  config::MailSettings s = settings(closed_port());
  s.from = "";
  const auto no_from = SmtpSender(s).send({"jane@example.com", "", "s", "h", "t"});
  ASSERT_FALSE(no_from);
  EXPECT_EQ(no_from.error().code, ErrorCode::kInvalidInput);
}

TEST(MailSmtpOptionsTest, SettingsMapToCurlOptions) {
  config::MailSettings s;
  s.server = "::1";
  s.port = 465;
  s.ssl_tls = true;
  s.username = "u";
  s.password = "p";
  s.use_credentials = false;
  const SmtpOptions o = smtp_options(s);
  EXPECT_TRUE(o.username.empty());
  EXPECT_TRUE(o.password.empty());
  EXPECT_EQ(SmtpSender(o).url(), "smtps://[::1]:465");
  s.use_credentials = true;
  EXPECT_EQ(smtp_options(s).username, "u");
  EXPECT_EQ(smtp_options(s).password, "p");
}

}  // namespace
}  // namespace gatehouse::mail
