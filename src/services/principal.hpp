#pragma once
// Who is calling: the user, and how they authenticated.
#include <optional>
#include <string>
#include <vector>

#include "store/user_repository.hpp"

namespace gatehouse::services {

struct Principal {
  store::User user;
  std::string session_id;  // access tokens: their session; empty for API keys
  std::string api_key_id;  // API keys: the key's id; empty for tokens
  std::optional<std::vector<std::string>> scopes;      // API keys with a scope list
  std::optional<store::Timestamp> api_key_created_at;  // API keys: when the key was made

  bool via_api_key() const { return !api_key_id.empty(); }
  bool is_admin() const { return user.role == store::kRoleAdmin; }
};

// Request context the services record (sessions, audit).
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

}  // namespace gatehouse::services
