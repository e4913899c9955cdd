#pragma once
// JSON shapes of users, sessions and API keys (the FastAPI template's plus the new fields of
// docs/http-api.md §5-§7).
#include <string>
#include <vector>

#include "services/user_service.hpp"

namespace gatehouse::api {

// UserResponse: email, id, first_name, last_name, role, banned, verified, created_at,
// updated_at, last_login_at, mfa_enabled, locked_until.
std::string user_json(const store::User& u, store::Timestamp now);
// MyUserResponse: exactly email, first_name, last_name.
std::string my_user_json(const store::User& u);
// Page[UserResponse]: items, total, page, size, pages.
std::string users_page_json(const services::UsersPage& page, store::Timestamp now);
std::string session_json(const store::Session& s, bool current);
// ApiKeyResponse: id, name, created_at, is_active, last_used_at, scopes, expires_at. Never
// the key or its hash.
std::string api_key_json(const store::ApiKey& k);
// A JSON array of api_key_json().
std::string api_keys_json(const std::vector<store::ApiKey>& keys);
// ApiKeyCreateResponse: ApiKeyResponse + "key" (the only time the key is shown).
std::string api_key_created_json(const store::ApiKey& k, const std::string& raw_key);

}  // namespace gatehouse::api
