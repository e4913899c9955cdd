#pragma once
// `gatehouse db populate` and `gatehouse db seed` (docs/http-api.md §14): test users,
// generated or read from a CSV file. Both create verified users and apply the password policy
// unless `force_weak`.
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace gatehouse::app {

// The password every populated user gets. It passes the default policy; the reference's
// "Password123!" does not since the policy judges guessability (docs/decisions.md).
inline constexpr const char* kPopulatePassword = "Demo-Horse-42!";

struct PopulateArgs {
  int count = 5;
  bool force_weak = false;  // accept kPopulatePassword even if the configured policy rejects it
};

struct SeedArgs {
  std::string file = "users.seed";
  bool force = false;       // do not ask for confirmation
  bool force_weak = false;  // skip the password policy (test data only)
};

// Admins among `count` populated users: 0 for one user, else ceil(count / 5) capped at 3.
int populate_admin_count(int count);

int db_populate(const config::Settings& s, const PopulateArgs& args);
int db_seed(const config::Settings& s, const SeedArgs& args);

// RFC 4180 CSV: fields separated by ',', records by LF or CRLF; a field may be quoted, and
// then holds commas, line breaks and doubled quotes ("" -> "). A leading UTF-8 BOM is
// skipped. Returns false (and leaves `error` set) on an unterminated quoted field.
bool parse_csv(const std::string& text, std::vector<std::vector<std::string>>& records,
               std::string& error);

}  // namespace gatehouse::app
