// Composer: every email of docs/http-api.md §11 "Email" renders from templates/email, links are
// BASE_URL + API_ROOT + "/verify/?code=" / "/reset-password/?code=" + token (§4), HTML parts
// escape every variable and text parts are plain text.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "mail/composer.hpp"

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// 2026-11-29 17:05:09 UTC
const store::Timestamp kAt =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 17h + 5min + 9s;

ComposerOptions options() { return {"My App", "https://auth.example.com", "/api/v1", ""}; }

Composer composer(ComposerOptions o = options()) {
  auto c = Composer::create(std::move(o));
  EXPECT_TRUE(c) << (c ? "" : c.error().cause);
  return std::move(*c);
}

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// Something that looks like an HTML tag or entity.
bool has_markup(const std::string& s) {
  static const std::regex kMarkup(R"(<[A-Za-z/!]|&[a-z]+;|&#)");
  return std::regex_search(s, kMarkup);
}

std::vector<EmailMessage> every_message(const Composer& c, const Recipient& to) {
  return {c.welcome(to, "tok"),
          c.register_attempt(to),
          c.password_reset(to, "tok"),
          c.password_changed(to, kAt),
          c.email_changed_old(to, "new@example.com", kAt),
          c.email_changed_new(to, "tok"),
          c.banned(to, std::string("spam"), kAt),
          c.banned(to, std::nullopt, std::nullopt),
          c.unbanned(to),
          c.account_locked(to, kAt),
          c.mfa_enabled(to, kAt),
          c.mfa_disabled(to, kAt)};
}

TEST(MailComposerTest, EveryMessageRendersCompletely) {
  const Composer c = composer();
  const Recipient to{"jane@example.com", "Jane Doe"};
  std::vector<std::string> subjects;
  for (const EmailMessage& m : every_message(c, to)) {
    SCOPED_TRACE(m.subject);
    EXPECT_EQ(m.to_address, "jane@example.com");
    EXPECT_EQ(m.to_name, "Jane Doe");
    EXPECT_TRUE(contains(m.subject, "My App"));
    EXPECT_FALSE(contains(m.subject, "\n"));
    for (const std::string* part : {&m.subject, &m.html, &m.text}) {
      EXPECT_FALSE(contains(*part, "{{"));
      EXPECT_FALSE(contains(*part, "}}"));
    }
    EXPECT_TRUE(contains(m.html, "<html"));
    EXPECT_TRUE(contains(m.html, "Jane Doe"));
    EXPECT_TRUE(contains(m.text, "Hello Jane Doe"));
    EXPECT_FALSE(has_markup(m.text)) << m.text;
    subjects.push_back(m.subject);
  }
  // Distinct subjects, except the two ban variants.
  std::sort(subjects.begin(), subjects.end());
  EXPECT_EQ(std::unique(subjects.begin(), subjects.end()) - subjects.begin(), 11);
}

TEST(MailComposerTest, WelcomeFollowsTheReference) {
  const EmailMessage m = composer().welcome({"jane@example.com", "Jane Doe"}, "abc.DEF-ghi_jkl");
  EXPECT_EQ(m.subject, "Welcome to My App!");
  const std::string link = "https://auth.example.com/api/v1/verify/?code=abc.DEF-ghi_jkl";
  EXPECT_TRUE(contains(m.text, "Hello Jane Doe, Welcome to My App!"));
  EXPECT_TRUE(contains(m.text, "Verify my Email!"));
  EXPECT_TRUE(contains(m.text, "This code will expire after 10 minutes."));
  EXPECT_TRUE(contains(m.text, "\n" + link + "\n"));
  EXPECT_TRUE(
      contains(m.html, "Hello <strong>Jane Doe</strong>, Welcome to <strong>My App</strong>!"));
  EXPECT_TRUE(contains(m.html, "href=\"" + link + "\""));
  EXPECT_TRUE(contains(m.html, ">Verify my Email!</a>"));
  EXPECT_TRUE(contains(m.html, "This code will expire after 10 minutes."));
}

TEST(MailComposerTest, PasswordResetFollowsTheReference) {
  const EmailMessage m = composer().password_reset({"jane@example.com", "Jane"}, "r.e.s-et");
  EXPECT_EQ(m.subject, "My App - Password Reset");
  const std::string link = "https://auth.example.com/api/v1/reset-password/?code=r.e.s-et";
  EXPECT_TRUE(contains(m.text, "\n" + link + "\n"));
  EXPECT_TRUE(contains(m.html, "href=\"" + link + "\""));
  EXPECT_TRUE(contains(m.text, "This link will expire after 30 minutes."));
  EXPECT_TRUE(contains(m.html, "This link will expire after 30 minutes."));
  EXPECT_TRUE(contains(m.text, "Hello Jane,"));
}

TEST(MailComposerTest, LinksAreExactAndTokensEncoded) {
  const Composer c = composer();
  EXPECT_EQ(c.verify_link("a+b/c=d e&f"),
            "https://auth.example.com/api/v1/verify/?code=a%2Bb%2Fc%3Dd%20e%26f");
  EXPECT_EQ(c.reset_link("x~y"), "https://auth.example.com/api/v1/reset-password/?code=x~y");

  // No API_ROOT; one trailing slash of BASE_URL dropped.
  const Composer plain = composer({"App", "http://localhost:8000/", "", ""});
  EXPECT_EQ(plain.verify_link("t"), "http://localhost:8000/verify/?code=t");
  EXPECT_EQ(plain.reset_link("t"), "http://localhost:8000/reset-password/?code=t");
  const EmailMessage m = plain.email_changed_new({"n@example.com", ""}, "t0k");
  EXPECT_TRUE(contains(m.text, "http://localhost:8000/verify/?code=t0k"));
  EXPECT_TRUE(contains(m.text, "This code will expire after 10 minutes."));
}

TEST(MailComposerTest, HtmlEscapesVariablesAndTextKeepsThemPlain) {
  const Recipient to{"jane@example.com", "<b>x</b> & \"co\""};
  const Composer c = composer({"A & <B>", "https://auth.example.com", "", ""});
  for (const EmailMessage& m : every_message(c, to)) {
    SCOPED_TRACE(m.subject);
    EXPECT_FALSE(contains(m.html, "<b>x</b>"));
    EXPECT_TRUE(contains(m.html, "&lt;b&gt;x&lt;/b&gt; &amp; &quot;co&quot;"));
    EXPECT_TRUE(contains(m.html, "A &amp; &lt;B&gt;"));
    EXPECT_FALSE(contains(m.html, "A & <B>"));
    // text/plain is never interpreted: the reader sees the name as typed.
    EXPECT_TRUE(contains(m.text, "Hello <b>x</b> & \"co\""));
    EXPECT_FALSE(contains(m.text, "&lt;"));
    EXPECT_TRUE(contains(m.subject, "A & <B>"));
  }
}

TEST(MailComposerTest, ValuesCannotAddLines) {
  const Composer c = composer();
  const EmailMessage m = c.register_attempt({"jane@example.com", "Jane\r\nBcc: x@evil"});
  EXPECT_EQ(m.to_name, "Jane  Bcc: x@evil");
  EXPECT_TRUE(contains(m.text, "Hello Jane  Bcc: x@evil,"));
  const EmailMessage b = c.banned({"jane@example.com", "J"}, std::string("a\nb"), std::nullopt);
  EXPECT_TRUE(contains(b.text, "Reason given: a b\n"));
}

TEST(MailComposerTest, RegisterAttemptCarriesNoTokenOrLink) {
  const EmailMessage m = composer().register_attempt({"jane@example.com", "Jane"});
  EXPECT_EQ(m.subject, "My App - Registration attempt");
  for (const std::string* part : {&m.html, &m.text}) {
    EXPECT_FALSE(contains(*part, "code="));
    EXPECT_FALSE(contains(*part, "http"));
    EXPECT_TRUE(contains(*part, "Forgot password"));
    EXPECT_TRUE(contains(*part, "log in"));
  }
}

TEST(MailComposerTest, NoticesCarryTheirDetails) {
  const Composer c = composer();
  const Recipient to{"old@example.com", "Jane"};
  const EmailMessage old_address = c.email_changed_old(to, "new@example.com", kAt);
  EXPECT_TRUE(contains(old_address.text,
                       "from old@example.com\nto new@example.com on 2026-11-29 17:05 UTC"));
  EXPECT_FALSE(contains(old_address.text, "code="));

  const EmailMessage banned = c.banned(to, std::string("Spam & abuse"), kAt);
  EXPECT_TRUE(contains(banned.text, "suspended until 2026-11-29 17:05 UTC."));
  EXPECT_TRUE(contains(banned.text, "Reason given: Spam & abuse"));
  EXPECT_TRUE(contains(banned.html, "Reason given: Spam &amp; abuse"));
  const EmailMessage forever = c.banned(to, std::string(), std::nullopt);
  EXPECT_TRUE(contains(forever.text, "suspended until further notice."));
  EXPECT_TRUE(contains(forever.text, "No reason was given."));

  const EmailMessage locked = c.account_locked(to, kAt);
  EXPECT_TRUE(contains(locked.text, "unlock by itself at 2026-11-29 17:05 UTC."));
  EXPECT_TRUE(contains(locked.text, "Forgot password"));
  EXPECT_FALSE(contains(locked.text, "code="));

  EXPECT_TRUE(contains(c.password_changed(to, kAt).text, "changed on 2026-11-29 17:05 UTC."));
  EXPECT_TRUE(contains(c.mfa_enabled(to, kAt).text, "turned on"));
  EXPECT_TRUE(contains(c.mfa_disabled(to, kAt).text, "turned off"));
  EXPECT_TRUE(contains(c.unbanned(to).text, "You can sign in again."));
}

TEST(MailComposerTest, GreetsByAddressWhenThereIsNoName) {
  const EmailMessage m = composer().unbanned({"jane@example.com", ""});
  EXPECT_TRUE(contains(m.text, "Hello jane@example.com,"));
  EXPECT_EQ(m.to_name, "");
}

// Issue 9, item 9: an internationalised domain is stored in Unicode; To: (and so the SMTP
// envelope) gets its A-label form, while the body shows the address as the user knows it.
TEST(MailComposerTest, InternationalisedDomainsAreAddressedInAscii) {
  const Composer c = composer();
  const Recipient to{"J\xC3\xB6rg@ex\xC3\xA4mple.com", ""};  // "Jörg@exämple.com"
  for (const EmailMessage& m : every_message(c, to)) {
    SCOPED_TRACE(m.subject);
    EXPECT_EQ(m.to_address, "J\xC3\xB6rg@xn--exmple-cua.com");  // the local part is untouched
    EXPECT_TRUE(contains(m.text, "Hello J\xC3\xB6rg@ex\xC3\xA4mple.com"));
  }
}

TEST(MailComposerTest, SettingsProvideTheOptions) {
  config::Settings s;
  s.metadata.title = "Gate";
  s.base_url = "https://x.example";
  s.api_root = "/v2";
  s.templates_dir = "/tmp/t";
  const ComposerOptions o = composer_options(s);
  EXPECT_EQ(o.application, "Gate");
  EXPECT_EQ(o.base_url, "https://x.example");
  EXPECT_EQ(o.api_root, "/v2");
  EXPECT_EQ(o.templates_dir, "/tmp/t");
}

TEST(MailComposerTest, FormatsTimesInUtc) {
  EXPECT_EQ(format_email_time(kAt), "2026-11-29 17:05 UTC");
  EXPECT_EQ(url_encode_component("aZ09-._~ /?#%\xC3\xA9"), "aZ09-._~%20%2F%3F%23%25%C3%A9");
}

class MailComposerDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gatehouse-mail-tpl-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void copy_embedded_templates() {
    const fs::path source = fs::path(__FILE__).parent_path() / "../../templates/email";
    fs::create_directories(dir_ / "email");
    for (const auto& entry : fs::directory_iterator(source)) {
      fs::copy_file(entry.path(), dir_ / "email" / entry.path().filename());
    }
  }

  fs::path dir_;
};

TEST_F(MailComposerDirTest, MissingTemplatesAreReportedAtCreation) {
  auto c = Composer::create({"App", "http://x", "", dir_.string()});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(contains(c.error().cause, "email/welcome.html")) << c.error().cause;
  EXPECT_TRUE(contains(c.error().cause, dir_.string()));
}

TEST_F(MailComposerDirTest, TemplatesDirOverridesTheEmbeddedOnes) {
  copy_embedded_templates();
  std::ofstream(dir_ / "email/unbanned.txt") << "Custom {{ name }} / {{ application }}\n";
  const Composer c = composer({"App", "http://x", "", dir_.string()});
  EXPECT_EQ(c.unbanned({"a@example.com", "Ann"}).text, "Custom Ann / App\n");
  EXPECT_TRUE(contains(c.welcome({"a@example.com", "Ann"}, "t").text, "http://x/verify/?code=t"));
}

}  // namespace
}  // namespace gatehouse::mail
