#pragma once
// The API-key scope vocabulary (docs/http-api.md §2 "Scopes") and the rules a key's scope list must
// follow. Which route needs which scope is declared next to each route (api/access.hpp);
// docs/api-keys.md has the table.
#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::services {

inline constexpr std::string_view kScopeUsersRead = "users:read";
inline constexpr std::string_view kScopeUsersWrite = "users:write";
inline constexpr std::string_view kScopeApiKeysRead = "api-keys:read";
inline constexpr std::string_view kScopeApiKeysWrite = "api-keys:write";
inline constexpr std::string_view kScopeSessionsRead = "sessions:read";
inline constexpr std::string_view kScopeSessionsWrite = "sessions:write";
inline constexpr std::string_view kScopeAdminRead = "admin:read";
inline constexpr std::string_view kScopeAdminWrite = "admin:write";

// Every scope, in the order of docs/http-api.md §2 "Scopes".
inline constexpr std::array<std::string_view, 8> kAllScopes = {
    kScopeUsersRead,   kScopeUsersWrite,   kScopeAdminRead,    kScopeAdminWrite,
    kScopeApiKeysRead, kScopeApiKeysWrite, kScopeSessionsRead, kScopeSessionsWrite};

// The scopes extensions add (docs/extending.md), e.g. "notes:read". Called before the server
// starts (app/extension.hpp does, at static initialisation); never while requests run.
void add_extension_scopes(std::initializer_list<std::string_view> scopes);

// kAllScopes, then the extensions' scopes in the order they were added.
const std::vector<std::string_view>& all_scopes();

bool is_known_scope(std::string_view scope);

// Why `scopes` cannot be given to a key of a user who is (`owner_is_admin`) or is not an
// admin, or nullopt when it can: an unknown name, or an admin:* scope for a non-admin
// (docs/http-api.md §2). The message is the part after "Value error, " of the 422.
std::optional<std::string> scope_problem(const std::vector<std::string>& scopes,
                                         bool owner_is_admin);

// `scopes` without repeated names, first occurrence kept.
std::vector<std::string> without_duplicates(const std::vector<std::string>& scopes);

// True when a key with `scopes` may call a route that needs `required`: a key without a
// list (null) has its user's full rights; a key with a list needs the exact name in it
// (no scope implies another).
bool scope_allows(const std::optional<std::vector<std::string>>& scopes, std::string_view required);

}  // namespace gatehouse::services
