#include "app/extension.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/openapi_schemas.hpp"
#include "services/scopes.hpp"

namespace gatehouse::app {

namespace {

bool scope_part(std::string_view part) {
  if (part.empty()) return false;
  for (const char c : part) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

// Why `scope` cannot be an extension's scope, or empty. The name travels in X-Auth-Scopes
// (space-separated) and requirement headers (spaces and commas), so it is resource:action in
// lower case; admin:* belongs to the core's admin rule; a name already known would silently
// merge two meanings.
std::string scope_problem(std::string_view scope) {
  const auto colon = scope.find(':');
  if (colon == std::string_view::npos || !scope_part(scope.substr(0, colon)) ||
      !scope_part(scope.substr(colon + 1))) {
    return "is not resource:action in lower case";
  }
  if (scope.starts_with("admin:")) return "is an admin:* scope, which only the core defines";
  if (services::is_known_scope(scope)) return "is already a scope";
  return {};
}

}  // namespace

bool add_extension(const Extension& extension) {
  for (const std::string_view scope : extension.scopes) {
    if (const std::string problem = scope_problem(scope); !problem.empty()) {
      // A packaging bug, met at static initialisation: nothing can run with it.
      std::fprintf(stderr, "gatehouse: extension scope '%.*s' %s\n", static_cast<int>(scope.size()),
                   scope.data(), problem.c_str());
      std::abort();
    }
  }
  services::add_extension_scopes(extension.scopes);
  if (extension.sqlite_migrations != nullptr && extension.postgres_migrations != nullptr) {
    store::add_extension_migrations(extension.sqlite_migrations, extension.postgres_migrations);
  }
  if (extension.routes != nullptr) api::add_extension_routes(extension.routes);
  for (const auto& [name, schema] : extension.schemas) api::add_response_schema(name, schema);
  return true;
}

}  // namespace gatehouse::app
