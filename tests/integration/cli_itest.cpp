// The `user` and `keys` commands of the CLI (docs/http-api.md §14 "Command line"), on both
// backends.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "harness.hpp"

namespace gatehouse::testing {
namespace {

TEST(CliUsers, CreateListSearchAndLastAdminRules) {
  GatehouseProcess gh;
  auto admin = gh.run_command({"user", "create", "-e", "Root@Example.COM", "-f", "Ro", "-l", "Ot",
                               "-p", "Correct-Horse-9", "--admin"});
  ASSERT_EQ(admin.exit_code, 0) << admin.err;
  EXPECT_NE(admin.out.find("-> Admin User Root@example.com added successfully."), std::string::npos)
      << admin.out;
  auto weak = gh.run_command(
      {"user", "create", "-e", "w@example.com", "-f", "W", "-l", "K", "-p", "short"});
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("Password must be at least 12 characters"), std::string::npos)
      << weak.err;
  auto forced = gh.run_command({"user", "create", "-e", "w@example.com", "-f", "W", "-l", "K", "-p",
                                "short", "--force-weak"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  auto dup = gh.run_command({"user", "create", "-e", "w@example.com", "-f", "W", "-l", "K", "-p",
                             "short", "--force-weak"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("A User with this email already exists"), std::string::npos);

  auto list = gh.run_command({"user", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("Root@example.com"), std::string::npos);
  EXPECT_NE(list.out.find("w@example.com"), std::string::npos);
  auto search = gh.run_command({"user", "search", "w@ex", "--field", "email"});
  EXPECT_NE(search.out.find("w@example.com"), std::string::npos) << search.out;
  EXPECT_EQ(search.out.find("Root@example.com"), std::string::npos) << search.out;

  auto demote = gh.run_command({"user", "admin", "1", "--remove"});
  EXPECT_EQ(demote.exit_code, 1);
  EXPECT_NE(demote.err.find("Cannot remove the last admin user"), std::string::npos);
  auto del = gh.run_command({"user", "delete", "1"});
  EXPECT_EQ(del.exit_code, 1);
  EXPECT_NE(del.err.find("Cannot delete the last admin user"), std::string::npos);
  auto missing = gh.run_command({"user", "show", "99"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("This User does not exist"), std::string::npos);

  // The created user is verified and can log in through the server.
  gh.start();
  HttpClient c(gh.port());
  const auto login = c.request("POST", "/login/", {},
                               R"({"email":"root@example.com","password":"Correct-Horse-9"})");
  EXPECT_EQ(login.status, 400) << "emails are case-sensitive in the local part";
  const auto ok = c.request("POST", "/login/", {},
                            R"({"email":"Root@example.com","password":"Correct-Horse-9"})");
  EXPECT_EQ(ok.status, 200) << ok.body;
}

// Settings warnings are about running the server: `serve` logs them, `config check` prints
// them, every other command prints only what it is for (docs/http-api.md §14).
TEST(CliOutput, SettingsWarningsOnlyFromServeAndConfigCheck) {
  GatehouseProcess gh({{"LOG_CATEGORIES", "ALL,bogus"}, {"SECRETS_DIR", "/nonexistent-secrets"}});
  const std::string warned = "unknown category";
  auto created = gh.run_command(
      {"user", "create", "-e", "quiet@example.com", "-f", "Q", "-l", "T", "-p", "Correct-Horse-9"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.err, "");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"user", "list"},
                                               {"user", "show", "1"},
                                               {"db", "upgrade"},
                                               {"apikey", "list", "--user", "1"},
                                               {"audit", "list"}}) {
    auto r = gh.run_command(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_EQ(r.err, "") << args[0] << " " << args[1];
  }
  // A user error is its one line, nothing else.
  auto missing = gh.run_command({"user", "show", "99"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("This User does not exist"), std::string::npos) << missing.err;
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;

  auto check = gh.run_command({"config", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.err.find(warned), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("SECRETS_DIR is set but does not exist"), std::string::npos);
  gh.start();
  gh.stop();
  EXPECT_NE((gh.stderr_text() + gh.log_text()).find(warned), std::string::npos);
}

TEST(CliKeys, SecretIsRandomAndCanBeWrittenToDotEnv) {
  GatehouseProcess gh;
  auto a = gh.run_command({"keys", "--secret"});
  auto b = gh.run_command({"keys", "--secret"});
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_NE(a.out, b.out);
  EXPECT_NE(a.out.find("Random SECRET_KEY : "), std::string::npos);
  auto w = gh.run_command({"keys", "--secret", "--write-env"});
  EXPECT_EQ(w.exit_code, 0);
  EXPECT_NE(w.out.find("Successfully updated SECRET_KEY in .env file"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::testing
