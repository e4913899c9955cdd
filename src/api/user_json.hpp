#pragma once
// JSON shapes of users and sessions (reference §3.1 plus API.md's new fields).
#include <string>

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

}  // namespace gatehouse::api
