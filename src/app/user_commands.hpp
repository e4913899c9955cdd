#pragma once
// `gatehouse user ...` and `gatehouse keys --secret` (docs/http-api.md §14 "Command line").
#include <optional>
#include <string>

#include "app/components.hpp"
#include "config/settings.hpp"

namespace gatehouse::app {

struct CreateUserArgs {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> password;  // prompted for when absent
  bool admin = false;
  bool force_weak = false;  // skip the password policy (test data only)
};

struct ListUsersArgs {
  std::optional<int> page;  // absent: every user, fetched `size` at a time
  int size = 500;
};

// The components a CLI command needs, with the schema brought up to date; nullptr after
// printing why not.
std::unique_ptr<Components> open_components(const config::Settings& s);

int user_create(const config::Settings& s, const CreateUserArgs& args);
int user_list(const config::Settings& s, const ListUsersArgs& args);
int user_show(const config::Settings& s, std::int64_t id);
int user_verify(const config::Settings& s, std::int64_t id);
// Turns the user's TOTP off (lost device), ends their sessions and emails them.
int user_mfa_reset(const config::Settings& s, std::int64_t id);
int user_ban(const config::Settings& s, std::int64_t id, bool unban);
int user_admin(const config::Settings& s, std::int64_t id, bool remove);
int user_delete(const config::Settings& s, std::int64_t id);
int user_search(const config::Settings& s, const std::string& term, const std::string& field,
                bool exact);
int keys_secret(bool write_env);

}  // namespace gatehouse::app
