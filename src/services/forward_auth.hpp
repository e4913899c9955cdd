#pragma once
// Forward authentication (docs/forward-auth.md): what GET /auth/check tells a reverse proxy
// about an authenticated caller, and whether the caller meets what the proxy requires
// (X-Auth-Require-Role, X-Auth-Require-Scope). Pure: no I/O, so it costs nothing beyond the
// authentication that came before it.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "services/principal.hpp"

namespace gatehouse::services {

// What the proxy asked for, as sent: each list is the header's value split on spaces and
// commas (several headers of one name add up). Every entry must hold.
struct ForwardRequirements {
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
};

// The scopes `p` acts with, in the order of all_scopes(): every scope its user holds (a
// non-admin: every one that is not admin:*; an admin: all), narrowed to a key's list
// when it has one (a key never grants more than its user has, docs/http-api.md §2).
std::vector<std::string_view> effective_scopes(const Principal& p);

// `scopes` joined by single spaces (the X-Auth-Scopes value).
std::string scope_header(const std::vector<std::string_view>& scopes);

// Appends the entries of one requirement header value (split on spaces, commas and tabs,
// empty entries dropped) to `out`.
void add_requirement_entries(std::string_view header_value, std::vector<std::string>& out);

// An admin:* scope.
bool is_admin_scope(std::string_view scope);

// Whether `req` asks for admin powers: the admin role or an admin:* scope.
bool requires_admin_powers(const ForwardRequirements& req);

// Whether `p`, acting with `scopes` (effective_scopes), meets `req`: ok, or a 403 whose
// detail names what is missing. Checked in the order of docs/http-api.md §2: an unknown role
// or scope name first (a proxy misconfiguration must not pass silently), then the role, then
// each scope.
Status check_requirements(const Principal& p, const std::vector<std::string_view>& scopes,
                          const ForwardRequirements& req);

}  // namespace gatehouse::services
