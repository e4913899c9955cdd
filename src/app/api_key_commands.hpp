#pragma once
// `gatehouse apikey create|list|revoke` (docs/http-api.md §14): API keys managed from the command
// line with the same rules as the HTTP routes (scopes, expiry). Exit 0 on success, 1 with
// a one-line "-> ERROR ..." on stderr for a user error.
#include <cstdint>
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace gatehouse::app {

struct CreateApiKeyArgs {
  std::int64_t user_id = 0;
  std::string name;
  std::optional<std::string> scopes;   // comma list; absent: the user's full rights
  std::optional<std::string> expires;  // ISO-8601 with a time zone; absent: never
};

// Prints the key once (its own last line of stdout), after a line with its id.
int apikey_create(const config::Settings& s, const CreateApiKeyArgs& args);
int apikey_list(const config::Settings& s, std::int64_t user_id);
// Deletes the key whoever owns it.
int apikey_revoke(const config::Settings& s, const std::string& key_id);

}  // namespace gatehouse::app
