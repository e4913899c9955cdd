// FileSender: the development sink writes one RFC 5322 .eml file per message, mode 0600,
// named <timestamp>-<random>.eml, with a multipart/alternative body.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "mail/file_sender.hpp"
#include "mail/smtp_sender.hpp"

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const store::Timestamp kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 17h + 5min + 9s + 42us;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ParsedMail {
  std::map<std::string, std::string> headers;              // unfolded; names as written
  std::vector<std::pair<std::string, std::string>> parts;  // (headers block, body)
};

// Minimal RFC 5322 + multipart reader, enough to check what FileSender writes.
ParsedMail parse_mail(const std::string& raw) {
  ParsedMail out;
  const auto end = raw.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos);
  std::string name;
  std::istringstream head(raw.substr(0, end + 2));
  for (std::string line; std::getline(head, line);) {
    EXPECT_FALSE(line.empty()) << "header line without CR";
    if (line.empty()) continue;
    EXPECT_EQ(line.back(), '\r');
    line.pop_back();
    if (line.front() == ' ' || line.front() == '\t') {
      out.headers[name] += line;
      continue;
    }
    const auto colon = line.find(": ");
    EXPECT_NE(colon, std::string::npos) << line;
    name = line.substr(0, colon);
    out.headers[name] = line.substr(colon + 2);
  }
  const std::string& type = out.headers["Content-Type"];
  const auto b = type.find("boundary=\"");
  if (b == std::string::npos) return out;
  const std::string boundary = "--" + type.substr(b + 10, type.size() - b - 11);
  std::size_t pos = raw.find(boundary + "\r\n", end);
  while (pos != std::string::npos) {
    const auto start = pos + boundary.size() + 2;
    const auto next = raw.find("\r\n" + boundary, start);
    if (next == std::string::npos) break;
    const std::string part = raw.substr(start, next - start + 2);
    const auto split = part.find("\r\n\r\n");
    out.parts.emplace_back(part.substr(0, split), part.substr(split + 4));
    pos = raw.compare(next + 2 + boundary.size(), 2, "--") == 0 ? std::string::npos : next + 2;
  }
  return out;
}

std::string qp_decode(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && in.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (in[i] == '=') {
      out.push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

class MailFileSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gatehouse-mail-files-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<fs::path> files(const fs::path& dir) const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    return out;
  }

  fs::path root_;
};

TEST_F(MailFileSenderTest, WritesOnePrivateEmlFilePerMessage) {
  const fs::path dir = root_ / "data" / "mail";  // created on first send
  FileSender sender(dir.string(), {"noreply@example.com", "My App"}, [] { return kNow; });
  const EmailMessage m{
      "jane@example.com", "Jane Doe", "Welcome to My App!",
      "<p>Hello <strong>Jane</strong></p>\n<a href=\"http://x/verify/?code=t\">v</a>\n",
      "Hello Jane\n\nhttp://x/verify/?code=t\n"};
  ASSERT_TRUE(sender.send(m));
  ASSERT_TRUE(sender.send(m));

  const auto written = files(dir);
  ASSERT_EQ(written.size(), 2u);
  EXPECT_NE(written[0].filename(), written[1].filename());
  const std::regex kName(R"(20261129T170509\.000042Z-[0-9a-f]{8}\.eml)");
  for (const fs::path& p : written) {
    EXPECT_TRUE(std::regex_match(p.filename().string(), kName)) << p;
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << p;
  }
  struct stat dir_st {};
  ASSERT_EQ(::stat(dir.c_str(), &dir_st), 0);
  EXPECT_EQ(dir_st.st_mode & 0777, 0700u);

  const ParsedMail mail = parse_mail(read_all(written[0]));
  EXPECT_EQ(mail.headers.at("To"), "Jane Doe <jane@example.com>");
  EXPECT_EQ(mail.headers.at("From"), "My App <noreply@example.com>");
  EXPECT_EQ(mail.headers.at("Subject"), "Welcome to My App!");
  EXPECT_EQ(mail.headers.at("Date"), "Sun, 29 Nov 2026 17:05:09 +0000");
  EXPECT_TRUE(std::regex_match(mail.headers.at("Message-ID"),
                               std::regex(R"(<[0-9a-f-]{36}@example\.com>)")));
  EXPECT_EQ(mail.headers.at("MIME-Version"), "1.0");
  EXPECT_EQ(mail.headers.at("Content-Type").rfind("multipart/alternative; boundary=\"", 0), 0u);
  ASSERT_EQ(mail.parts.size(), 2u);
  EXPECT_NE(mail.parts[0].first.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_EQ(mail.parts[0].second, "Hello Jane\r\n\r\nhttp://x/verify/?code=t\r\n");
  EXPECT_NE(mail.parts[1].first.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(mail.parts[1].second.find("<strong>Jane</strong>"), std::string::npos);
}

TEST_F(MailFileSenderTest, NonAsciiIsEncoded) {
  FileSender sender(root_.string(), {"", ""}, [] { return kNow; });
  const EmailMessage m{"rene@example.com", "Ren\xC3\xA9", "Bienvenue \xC3\xA0 App",
                       "<p>Bonjour Ren\xC3\xA9</p>\n", "Bonjour Ren\xC3\xA9\n"};
  ASSERT_TRUE(sender.send(m));
  const auto written = files(root_);
  ASSERT_EQ(written.size(), 1u);
  const std::string raw = read_all(written[0]);
  for (const char c : raw) ASSERT_LT(static_cast<unsigned char>(c), 0x80u);
  const ParsedMail mail = parse_mail(raw);
  EXPECT_EQ(mail.headers.at("From"), "<gatehouse@localhost>");
  EXPECT_EQ(mail.headers.at("To"), "=?UTF-8?B?UmVuw6k=?= <rene@example.com>");
  EXPECT_EQ(mail.headers.at("Subject").rfind("=?UTF-8?B?", 0), 0u);
  ASSERT_EQ(mail.parts.size(), 2u);
  EXPECT_NE(mail.parts[0].first.find("quoted-printable"), std::string::npos);
  EXPECT_EQ(qp_decode(mail.parts[0].second), "Bonjour Ren\xC3\xA9\r\n");
}

TEST_F(MailFileSenderTest, InvalidRecipientWritesNothing) {
  FileSender sender(root_.string(), {"noreply@example.com", ""});
  const auto s = sender.send({"not an address", "", "s", "h", "t"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(files(root_).empty());
}

TEST_F(MailFileSenderTest, UnwritableFolderIsAnError) {
  std::ofstream(root_ / "file") << "x";
  FileSender sender((root_ / "file" / "mail").string(), {"noreply@example.com", ""});
  const auto s = sender.send({"a@example.com", "", "s", "h", "t"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInternal);
  EXPECT_NE(s.error().cause.find("MAIL_FILE_DIR"), std::string::npos);
}

TEST_F(MailFileSenderTest, FactoryPicksFilesWithoutServer) {
  config::MailSettings settings;
  settings.file_dir = (root_ / "m").string();
  settings.from = "noreply@example.com";
  const MailSenderPtr files_sender = make_mail_sender(settings);
  EXPECT_NE(dynamic_cast<FileSender*>(files_sender.get()), nullptr);
  ASSERT_TRUE(files_sender->send({"a@example.com", "", "s", "h", "t"}));
  EXPECT_EQ(files(root_ / "m").size(), 1u);

  settings.server = "smtp.example.com";
  const MailSenderPtr smtp = make_mail_sender(settings);
  EXPECT_NE(dynamic_cast<SmtpSender*>(smtp.get()), nullptr);
}

}  // namespace
}  // namespace gatehouse::mail
