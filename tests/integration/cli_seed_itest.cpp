// The `db populate` and `db seed` commands of the CLI (docs/http-api.md §14 "Command line"), on
// both backends.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace gatehouse::testing {
namespace {

// Writes `text` to `name` in the command's working directory (the parent of DATA_DIR) and
// returns the path relative to it.
std::string write_file(const GatehouseProcess& gh, const std::string& name,
                       const std::string& text) {
  const std::filesystem::path dir = std::filesystem::path(gh.data_dir()).parent_path();
  std::ofstream(dir / name, std::ios::binary) << text;
  return name;
}

// Data lines of `user list` (the header dropped).
std::vector<std::string> listed_users(GatehouseProcess& gh) {
  const auto list = gh.run_command({"user", "list"});
  std::vector<std::string> rows;
  if (list.exit_code != 0) return rows;
  std::istringstream in(list.out);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(line);
  }
  return rows;
}

int count_admins(const std::vector<std::string>& rows) {
  int n = 0;
  for (const auto& r : rows) n += r.find(" Admin ") != std::string::npos ? 1 : 0;
  return n;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(CliPopulate, CreatesVerifiedUsersWithOneAdminPerFive) {
  GatehouseProcess gh;
  const auto r = gh.run_command({"db", "populate"});  // default count 5
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Creating 4 regular users and 1 admins")) << r.out;
  EXPECT_TRUE(contains(r.out, "Successfully created 4 regular users and 1 admins")) << r.out;
  const auto rows = listed_users(gh);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(count_admins(rows), 1);
  for (const auto& row : rows) {
    EXPECT_TRUE(contains(row, "@example.com")) << row;
    EXPECT_TRUE(contains(row, " True ")) << "verified: " << row;
  }

  // One more user is never an admin; the populated password logs in.
  const auto one = gh.run_command({"db", "populate", "-c", "1"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_TRUE(contains(one.out, "Successfully created 1 regular users and 0 admins")) << one.out;
  const auto all = listed_users(gh);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(count_admins(all), 1);

  const std::string line = all.front();
  const std::string email = line.substr(7, line.find(' ', 7) - 7);
  gh.start();
  HttpClient c(gh.port());
  const auto login = c.request("POST", "/login/", {},
                               R"({"email":")" + email + R"(","password":"Demo-Horse-42!"})");
  EXPECT_EQ(login.status, 200) << email << " " << login.body;
}

TEST(CliPopulate, CapsAdminsAtThreeAndRejectsNonPositiveCounts) {
  GatehouseProcess gh;
  const auto zero = gh.run_command({"db", "populate", "--count", "0"});
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_TRUE(contains(zero.err, "Error: count must be greater than 0")) << zero.err;
  const auto negative = gh.run_command({"db", "populate", "-c", "-3"});
  EXPECT_EQ(negative.exit_code, 1);
  EXPECT_TRUE(listed_users(gh).empty());

  const auto many = gh.run_command({"db", "populate", "-c", "16"});
  ASSERT_EQ(many.exit_code, 0) << many.err;
  const auto rows = listed_users(gh);
  EXPECT_EQ(rows.size(), 16u);
  EXPECT_EQ(count_admins(rows), 3);  // min(ceil(16/5), 3)
}

TEST(CliPopulate, PolicyRejectingTheTestPasswordNeedsForceWeak) {
  GatehouseProcess gh{{"PASSWORD_MIN_LENGTH", "16"}};
  const auto r = gh.run_command({"db", "populate", "-c", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "Password must be at least 16 characters")) << r.err;
  EXPECT_TRUE(listed_users(gh).empty());
  const auto forced = gh.run_command({"db", "populate", "-c", "2", "--force-weak"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(listed_users(gh).size(), 2u);
}

TEST(CliSeed, ImportsRowsCountingDuplicatesAndErrors) {
  GatehouseProcess gh;
  const auto pre = gh.run_command(
      {"user", "create", "-e", "taken@example.com", "-f", "T", "-l", "K", "-p", "Correct-Horse-9"});
  ASSERT_EQ(pre.exit_code, 0) << pre.err;
  const std::string csv =
      "\xEF\xBB\xBF"
      "email, password ,first_name,last_name,role\r\n"
      "  boss@example.com ,  Admin-Pass-123 ,\"Doe, Jr.\",\"O\"\"Neil\",ADMIN\r\n"
      "plain@example.com,Simple-Pass-456,Pat,Plain,\r\n"
      "\r\n"
      "quoted@example.com,\"Multi,Line\nPass-789\",\"Quinn\",Q,user\r\n"
      "taken@example.com,Correct-Horse-9,T,K,user\r\n"
      "not-an-email,Correct-Horse-9,N,E,user\r\n"
      "weak@example.com,short,W,K,user\r\n";
  const std::string file = write_file(gh, "people.csv", csv);
  const auto r = gh.run_command({"db", "seed", file, "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Summary: 3 users created, 1 duplicates skipped, 2 errors")) << r.out;
  EXPECT_TRUE(contains(r.out, "Skipped: taken@example.com (already exists)")) << r.out;
  EXPECT_TRUE(contains(r.out, "Failed: not-an-email - This email address is not valid")) << r.out;
  EXPECT_TRUE(contains(r.out, "Failed: weak@example.com - Password must be at least 12")) << r.out;

  const auto rows = listed_users(gh);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(count_admins(rows), 1);
  EXPECT_TRUE(contains(rows[1], "boss@example.com")) << rows[1];
  EXPECT_TRUE(contains(rows[1], "Doe, Jr.")) << rows[1];
  EXPECT_TRUE(contains(rows[1], "O\"Neil")) << rows[1];
  EXPECT_TRUE(contains(rows[1], " Admin ")) << rows[1];
  EXPECT_TRUE(contains(rows[2], " User ")) << rows[2];

  // Seeding again: everything valid is now a duplicate; --force-weak admits the weak row.
  const auto again = gh.run_command({"db", "seed", file, "-f", "--force-weak"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "Summary: 1 users created, 4 duplicates skipped, 1 errors"))
      << again.out;

  // Seeded users are verified and log in with the trimmed passwords.
  gh.start();
  HttpClient c(gh.port());
  const auto admin = c.request("POST", "/login/", {},
                               R"({"email":"boss@example.com","password":"Admin-Pass-123"})");
  ASSERT_EQ(admin.status, 200) << admin.body;
  const auto quoted = c.request(
      "POST", "/login/", {}, R"({"email":"quoted@example.com","password":"Multi,Line\nPass-789"})");
  EXPECT_EQ(quoted.status, 200) << quoted.body;
  const auto weak =
      c.request("POST", "/login/", {}, R"({"email":"weak@example.com","password":"short"})");
  EXPECT_EQ(weak.status, 200) << weak.body;
}

TEST(CliSeed, RejectsBadFilesAndHonoursTheConfirmation) {
  GatehouseProcess gh;
  const auto missing = gh.run_command({"db", "seed", "nope.csv", "-f"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "Error: File 'nope.csv' does not exist")) << missing.err;
  const auto default_missing = gh.run_command({"db", "seed", "-f"});
  EXPECT_EQ(default_missing.exit_code, 1);
  EXPECT_TRUE(contains(default_missing.err, "Error: File 'users.seed' does not exist"))
      << default_missing.err;

  const auto empty = gh.run_command({"db", "seed", write_file(gh, "empty.csv", ""), "-f"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_TRUE(contains(empty.err, "Error: CSV file has no header row")) << empty.err;

  const auto columns = gh.run_command(
      {"db", "seed", write_file(gh, "cols.csv", "email,password,first_name\na@example.com,x,y\n"),
       "-f"});
  EXPECT_EQ(columns.exit_code, 1);
  EXPECT_TRUE(contains(columns.err,
                       "Error: CSV file must contain the following columns: email, password, "
                       "first_name, last_name"))
      << columns.err;

  const auto unterminated = gh.run_command(
      {"db", "seed",
       write_file(gh, "open.csv",
                  "email,password,first_name,last_name\n\"a@example.com,Correct-Horse-9,A,B\n"),
       "-f"});
  EXPECT_EQ(unterminated.exit_code, 1);
  EXPECT_TRUE(contains(unterminated.err, "unterminated quoted field")) << unterminated.err;
  EXPECT_TRUE(listed_users(gh).empty());

  // The default file, confirmed on stdin: declined, then accepted.
  write_file(gh, "users.seed",
             "email,password,first_name,last_name\nseed@example.com,Correct-Horse-9,S,D\n");
  const auto declined = gh.run_command({"db", "seed"}, "n\n");
  EXPECT_EQ(declined.exit_code, 0) << declined.err;
  EXPECT_TRUE(contains(declined.out, "This will add new users to the database. Continue?"))
      << declined.out;
  EXPECT_TRUE(contains(declined.out, "Operation Cancelled.")) << declined.out;
  EXPECT_TRUE(listed_users(gh).empty());
  const auto no_answer = gh.run_command({"db", "seed"});
  EXPECT_TRUE(contains(no_answer.out, "Operation Cancelled.")) << no_answer.out;
  EXPECT_TRUE(listed_users(gh).empty());

  const auto accepted = gh.run_command({"db", "seed"}, "y\n");
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_TRUE(contains(accepted.out, "Summary: 1 users created, 0 duplicates skipped, 0 errors"))
      << accepted.out;
  EXPECT_EQ(listed_users(gh).size(), 1u);
}

}  // namespace
}  // namespace gatehouse::testing
