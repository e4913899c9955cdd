#include "app/seed_commands.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>

#include "app/components.hpp"
#include "app/db_commands.hpp"
#include "app/user_commands.hpp"
#include "core/email_address.hpp"
#include "crypto/random.hpp"

namespace gatehouse::app {

namespace {

constexpr int kMaxAdmins = 3;
constexpr int kUsersPerAdmin = 5;
constexpr int kPopulateRetries = 5;
constexpr const char* kAllFields = "You must supply all fields and they cannot be empty";

constexpr std::string_view kFirstNames[] = {
    "James", "Mary",    "Robert", "Patricia", "John",  "Jennifer", "Michael", "Linda",
    "David", "Barbara", "Ahmed",  "Fatima",   "Wei",   "Mei",      "Carlos",  "Lucia",
    "Ivan",  "Olga",    "Kenji",  "Aiko",     "Kwame", "Amara",    "Liam",    "Sofia",
    "Noah",  "Emma",    "Ravi",   "Priya",    "Lukas", "Hannah",   "Mateo",   "Chloe"};
constexpr std::string_view kLastNames[] = {
    "Smith",  "Johnson", "Williams", "Brown",  "Jones",  "Garcia", "Miller", "Davis",
    "Lopez",  "Wilson",  "Anderson", "Taylor", "Thomas", "Moore",  "Martin", "Lee",
    "Khan",   "Chen",    "Wang",     "Tanaka", "Ivanov", "Mensah", "Okafor", "Rossi",
    "Muller", "Dubois",  "Silva",    "Patel",  "Nguyen", "Kim",    "Novak",  "Berg"};

// Uniform index in [0, n) from the CSPRNG (n is tiny, so the modulo bias is negligible).
std::size_t random_index(std::size_t n) {
  const std::string b = crypto::random_bytes(4);
  std::uint32_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return static_cast<std::size_t>(v % n);
}

template <std::size_t N>
std::string pick(const std::string_view (&names)[N]) {
  return std::string(names[random_index(N)]);
}

std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return s;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

enum class Outcome { kCreated, kDuplicate, kFailed };

// Creates one verified user through UserService; a taken email is kDuplicate, anything else
// failing is kFailed with `why` set.
Outcome insert_user(Components& c, const services::NewUserInput& in, std::string& why) {
  auto created = c.users->create(in);
  if (created) return Outcome::kCreated;
  if (created.error().is(ErrorCode::kEmailTaken)) return Outcome::kDuplicate;
  why = created.error().cause.empty() ? created.error().public_message : created.error().cause;
  return Outcome::kFailed;
}

}  // namespace

int populate_admin_count(int count) {
  if (count <= 1) return 0;
  return std::min((count + kUsersPerAdmin - 1) / kUsersPerAdmin, kMaxAdmins);
}

int db_populate(const config::Settings& s, const PopulateArgs& args) {
  if (args.count < 1) {
    std::fprintf(stderr, "Error: count must be greater than 0\n");
    return 1;
  }
  auto c = open_components(s);
  if (!c) return 1;
  if (!args.force_weak) {
    // Generated local parts (first.last.hex) never occur in the password; any address works.
    if (auto problem = c->auth->password_problem(kPopulatePassword, "user@example.com")) {
      std::fprintf(stderr,
                   "Error: the test password '%s' fails the password policy (%s); use "
                   "--force-weak to create the users anyway\n",
                   kPopulatePassword, problem->c_str());
      return 1;
    }
  }
  const int admins = populate_admin_count(args.count);
  const int regulars = args.count - admins;
  std::printf("Creating %d regular users and %d admins (password: %s)...\n", regulars, admins,
              kPopulatePassword);
  std::fflush(stdout);

  int admins_created = 0;
  int regulars_created = 0;
  bool db_error = false;
  for (int i = 0; i < args.count && !db_error; ++i) {
    const bool admin = i < admins;
    for (int attempt = 1; attempt <= kPopulateRetries; ++attempt) {
      const std::string first = pick(kFirstNames);
      const std::string last = pick(kLastNames);
      const std::string email = ascii_lower(first) + "." + ascii_lower(last) + "." +
                                crypto::random_hex(2) + "@example.com";
      // The policy was judged once above; a taken address is found before any hash is spent.
      const services::NewUserInput input{email, kPopulatePassword, first, last, admin, false};
      std::string why;
      const Outcome out = insert_user(*c, input, why);
      if (out == Outcome::kCreated) {
        std::printf("  Created %s: %s\n", admin ? "admin" : "regular user", email.c_str());
        ++(admin ? admins_created : regulars_created);
        break;
      }
      if (out == Outcome::kFailed) {
        std::fprintf(stderr, "-> ERROR adding user: %s\n", why.c_str());
        db_error = true;
        break;
      }
      if (attempt < kPopulateRetries) {
        std::printf("  Email already exists, retrying... (%d/%d)\n", attempt, kPopulateRetries);
      } else {
        std::printf("  Failed to create user after %d attempts\n", kPopulateRetries);
      }
    }
  }
  std::printf("Successfully created %d regular users and %d admins\n", regulars_created,
              admins_created);
  return regulars_created + admins_created == args.count ? 0 : 1;
}

bool parse_csv(const std::string& text, std::vector<std::vector<std::string>>& records,
               std::string& error) {
  std::size_t i = 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) i = 3;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;           // inside a quoted section
  bool record_has_data = false;  // anything (even "") seen since the record began
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    // A blank line is no record (as Python's csv module has it).
    if (record_has_data || record.size() > 1 || !record.front().empty()) {
      records.push_back(std::move(record));
    }
    record.clear();
    record_has_data = false;
  };
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch != '"') {
        field += ch;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    switch (ch) {
      case '"':
        if (field.empty()) {
          quoted = true;
          record_has_data = true;
        } else {
          field += ch;  // a quote inside an unquoted field is literal
        }
        break;
      case ',':
        record.push_back(std::move(field));
        field.clear();
        record_has_data = true;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        end_record();
        break;
      case '\n':
        end_record();
        break;
      default:
        field += ch;
    }
  }
  if (quoted) {
    error = "CSV file has an unterminated quoted field";
    return false;
  }
  if (!field.empty() || !record.empty() || record_has_data) end_record();
  return true;
}

int db_seed(const config::Settings& s, const SeedArgs& args) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(args.file, ec)) {
    std::fprintf(stderr, "Error: File '%s' does not exist\n", args.file.c_str());
    return 1;
  }
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "Error: File '%s' cannot be read\n", args.file.c_str());
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::vector<std::vector<std::string>> records;
  std::string parse_error;
  if (!parse_csv(buffer.str(), records, parse_error)) {
    std::fprintf(stderr, "Error: %s\n", parse_error.c_str());
    return 1;
  }
  if (records.empty()) {
    std::fprintf(stderr, "Error: CSV file has no header row\n");
    return 1;
  }
  std::map<std::string, std::size_t> column;
  for (std::size_t k = 0; k < records.front().size(); ++k) {
    column.emplace(trim(records.front()[k]), k);  // the first of repeated names wins
  }
  for (const char* required : {"email", "password", "first_name", "last_name"}) {
    if (!column.contains(required)) {
      std::fprintf(stderr,
                   "Error: CSV file must contain the following columns: email, password, "
                   "first_name, last_name\n");
      return 1;
    }
  }
  std::printf("Using seed file: %s\n", args.file.c_str());
  if (!args.force && !confirm("This will add new users to the database. Continue?")) {
    std::printf("Operation Cancelled.\n");
    return 0;
  }
  auto c = open_components(s);
  if (!c) return 1;
  std::printf("Importing users from CSV file ...\n");

  auto value = [&](const std::vector<std::string>& row, const char* name) -> std::string {
    const auto it = column.find(name);
    if (it == column.end() || it->second >= row.size()) return {};  // short row: empty
    return trim(row[it->second]);
  };
  int created = 0;
  int duplicates = 0;
  int errors = 0;
  auto failed = [&](const std::string& email, const std::string& why) {
    std::printf("  Failed: %s - %s\n", email.empty() ? "(no email)" : email.c_str(), why.c_str());
    ++errors;
  };
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& row = records[r];
    const std::string email = value(row, "email");
    const std::string password = value(row, "password");
    const std::string first_name = value(row, "first_name");
    const std::string last_name = value(row, "last_name");
    const bool admin = ascii_lower(value(row, "role")) == "admin";

    const EmailCheck checked = check_email(email);
    if (!checked.normalized) {
      failed(email, "This email address is not valid" +
                        (checked.reason.empty() ? std::string() : ": " + checked.reason));
      continue;
    }
    if (password.empty() || first_name.empty() || last_name.empty()) {
      failed(email, kAllFields);
      continue;
    }
    // A known address is skipped before the (costly) hash, then the policy applies.
    const services::NewUserInput input{*checked.normalized, password, first_name,
                                       last_name,           admin,    !args.force_weak};
    std::string why;
    switch (insert_user(*c, input, why)) {
      case Outcome::kCreated:
        std::printf("  Created %s: %s\n", admin ? "admin" : "user", input.email.c_str());
        ++created;
        break;
      case Outcome::kDuplicate:
        std::printf("  Skipped: %s (already exists)\n", email.c_str());
        ++duplicates;
        break;
      case Outcome::kFailed:
        failed(email, why);
        break;
    }
  }
  std::printf("Summary: %d users created, %d duplicates skipped, %d errors\n", created, duplicates,
              errors);
  return 0;
}

}  // namespace gatehouse::app
