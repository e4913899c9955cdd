#include "app/extension.hpp"

#include "api/openapi_schemas.hpp"
#include "services/scopes.hpp"

namespace gatehouse::app {

bool add_extension(const Extension& extension) {
  services::add_extension_scopes(extension.scopes);
  if (extension.sqlite_migrations != nullptr && extension.postgres_migrations != nullptr) {
    store::add_extension_migrations(extension.sqlite_migrations, extension.postgres_migrations);
  }
  if (extension.routes != nullptr) api::add_extension_routes(extension.routes);
  for (const auto& [name, schema] : extension.schemas) api::add_response_schema(name, schema);
  return true;
}

}  // namespace gatehouse::app
