#include "services/scopes.hpp"

#include <algorithm>

namespace gatehouse::services {

namespace {

std::vector<std::string_view>& scope_list() {
  static std::vector<std::string_view> scopes(kAllScopes.begin(), kAllScopes.end());
  return scopes;
}

}  // namespace

void add_extension_scopes(std::initializer_list<std::string_view> scopes) {
  for (const std::string_view s : scopes) {
    if (!is_known_scope(s)) scope_list().push_back(s);
  }
}

const std::vector<std::string_view>& all_scopes() { return scope_list(); }

bool is_known_scope(std::string_view scope) {
  const auto& all = all_scopes();
  return std::find(all.begin(), all.end(), scope) != all.end();
}

std::optional<std::string> scope_problem(const std::vector<std::string>& scopes,
                                         bool owner_is_admin) {
  for (const auto& s : scopes) {
    if (!is_known_scope(s)) {
      std::string known;
      for (const auto k : all_scopes()) {
        if (!known.empty()) known += ", ";
        known += k;
      }
      std::string problem = "Unknown scope '";
      problem.append(s).append("'. Valid scopes: ").append(known);
      return problem;
    }
  }
  if (!owner_is_admin) {
    for (const auto& s : scopes) {
      if (s.starts_with("admin:")) return "Scope '" + s + "' requires an admin user";
    }
  }
  return std::nullopt;
}

std::vector<std::string> without_duplicates(const std::vector<std::string>& scopes) {
  std::vector<std::string> out;
  for (const auto& s : scopes) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

bool scope_allows(const std::optional<std::vector<std::string>>& scopes,
                  std::string_view required) {
  if (!scopes) return true;
  return std::find(scopes->begin(), scopes->end(), required) != scopes->end();
}

}  // namespace gatehouse::services
