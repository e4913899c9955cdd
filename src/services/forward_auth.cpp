#include "services/forward_auth.hpp"

#include <algorithm>

#include "services/scopes.hpp"

namespace gatehouse::services {

std::vector<std::string_view> effective_scopes(const Principal& p) {
  std::vector<std::string_view> out;
  const auto& all = all_scopes();  // extensions' scopes included (docs/extending.md)
  out.reserve(all.size());
  const bool admin = p.is_admin();
  for (const std::string_view s : all) {
    if (!admin && is_admin_scope(s)) continue;
    if (!scope_allows(p.scopes, s)) continue;
    out.push_back(s);
  }
  return out;
}

bool is_admin_scope(std::string_view scope) { return scope.starts_with("admin:"); }

bool requires_admin_powers(const ForwardRequirements& req) {
  return std::any_of(req.roles.begin(), req.roles.end(),
                     [](const std::string& r) { return r == "admin"; }) ||
         std::any_of(req.scopes.begin(), req.scopes.end(),
                     [](const std::string& s) { return is_admin_scope(s); });
}

std::string scope_header(const std::vector<std::string_view>& scopes) {
  std::string out;
  for (const std::string_view s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

void add_requirement_entries(std::string_view header_value, std::vector<std::string>& out) {
  constexpr std::string_view kSeparators = " ,\t";
  while (!header_value.empty()) {
    const auto start = header_value.find_first_not_of(kSeparators);
    if (start == std::string_view::npos) return;
    header_value.remove_prefix(start);
    const auto end = std::min(header_value.find_first_of(kSeparators), header_value.size());
    out.emplace_back(header_value.substr(0, end));
    header_value.remove_prefix(end);
  }
}

namespace {

bool is_known_role(std::string_view role) {
  return role == store::kRoleUser || role == store::kRoleAdmin;
}

// Roles are ordered: an admin holds the user role too.
bool has_role(const Principal& p, std::string_view role) {
  return role == store::kRoleUser || p.is_admin();
}

}  // namespace

Status check_requirements(const Principal& p, const std::vector<std::string_view>& scopes,
                          const ForwardRequirements& req) {
  for (const auto& role : req.roles) {
    if (!is_known_role(role)) {
      return Error::forbidden("Unknown role in X-Auth-Require-Role: '" + role + "'");
    }
  }
  for (const auto& scope : req.scopes) {
    if (!is_known_scope(scope)) {
      return Error::forbidden("Unknown scope in X-Auth-Require-Scope: '" + scope + "'");
    }
  }
  for (const auto& role : req.roles) {
    if (!has_role(p, role)) return Error::forbidden("This requires the role: " + role);
  }
  for (const auto& scope : req.scopes) {
    if (std::find(scopes.begin(), scopes.end(), scope) != scopes.end()) continue;
    // A key with a list gets the message of every other route (docs/http-api.md §2); a user
    // (token, or key without a list) lacks it because of the role.
    if (p.via_api_key() && p.scopes) {
      return Error::of(ErrorCode::kInsufficientScope, "API key lacks the required scope: " + scope);
    }
    return Error::forbidden("This user lacks the required scope: " + scope);
  }
  return ok();
}

}  // namespace gatehouse::services
