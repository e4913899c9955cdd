// The sign-up flow with real SMTP delivery: Gatehouse sends through libcurl to a local SMTP
// sink (tests/tools/smtp_sink.py); the test reads the verification link from the message the
// sink received, verifies and logs in.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "auth_test_support.hpp"
#include "harness.hpp"
#include "support/smtp_sink.hpp"

namespace gatehouse::testing {
namespace {

// Every .eml the sink stored, concatenated, with quoted-printable soft breaks removed.
std::string sink_messages(const std::string& dir) {
  std::string all;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".eml") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return std::regex_replace(all, std::regex("=\r?\n"), "");
}

TEST(Smtp, RegistrationEmailIsDeliveredOverSmtpAndItsLinkVerifies) {
  const std::string sink_dir = make_temp_dir();
  SmtpSink sink(sink_dir);
  ASSERT_TRUE(sink.error().empty()) << sink.error();
  GatehouseProcess server({{"MAIL_SERVER", "127.0.0.1"},
                           {"MAIL_PORT", std::to_string(sink.port())},
                           {"MAIL_STARTTLS", "false"},
                           {"MAIL_SSL_TLS", "false"},
                           {"MAIL_USE_CREDENTIALS", "false"},
                           {"MAIL_FROM", "noreply@example.com"}});
  server.start();
  HttpClient c(server.port());
  const std::string email = unique_email("smtp");
  ASSERT_EQ(register_user(c, email).status, 202);

  std::string code;
  const std::regex link(R"(/verify/\?code=([A-Za-z0-9._%-]+))");
  for (int i = 0; i < 100 && code.empty(); ++i) {
    std::smatch m;
    const std::string messages = sink_messages(sink_dir);
    if (std::regex_search(messages, m, link)) code = m[1];
    if (code.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(code.empty()) << "no verification email reached the SMTP sink";
  const std::string messages = sink_messages(sink_dir);
  EXPECT_NE(messages.find("To: "), std::string::npos);
  EXPECT_NE(messages.find(email), std::string::npos);
  EXPECT_NE(messages.find("noreply@example.com"), std::string::npos);
  EXPECT_NE(messages.find("multipart/alternative"), std::string::npos);

  EXPECT_EQ(c.get("/verify/?code=" + code).status, 204);
  const auto login = login_request(c, email, kPassword);
  EXPECT_EQ(login.status, 200) << login.body;
  remove_tree(sink_dir);
}

TEST(Smtp, UnreachableMailServerNeverBreaksARequest) {
  // Nothing listens on port 1: delivery fails and is retried later; the request is fine.
  GatehouseProcess server({{"MAIL_SERVER", "127.0.0.1"},
                           {"MAIL_PORT", "1"},
                           {"MAIL_STARTTLS", "false"},
                           {"MAIL_USE_CREDENTIALS", "false"},
                           {"MAIL_FROM", "noreply@example.com"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(register_user(c, unique_email("nomail")).status, 202);
  EXPECT_EQ(c.request("POST", "/forgot-password/", {}, R"({"email":"x@example.com"})").status, 200);
}

}  // namespace
}  // namespace gatehouse::testing
