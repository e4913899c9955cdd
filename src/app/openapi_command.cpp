#include "app/openapi_command.hpp"

#include <fstream>
#include <iostream>

#include "api/openapi.hpp"
#include "api/routes.hpp"
#include "app/components.hpp"

namespace gatehouse::app {

int openapi_print(const config::Settings& settings, const std::optional<std::string>& output) {
  // The routes are registered exactly as serve() does, so the document is the server's. They
  // need services to bind to, never called here: an in-memory database and no Redis keep
  // this command from touching anything the settings name.
  config::Settings offline = settings;
  offline.database.backend = config::DatabaseBackend::kSqlite;
  offline.database.url = "sqlite://:memory:";
  offline.database.sqlite_path = ":memory:";
  offline.database.pool_size = 1;
  offline.redis.enabled = false;
  auto built = build_components(offline);
  if (!built) {
    std::cerr << "gatehouse openapi: " << built.error().cause << "\n";
    return 1;
  }
  Components& c = **built;
  const api::Assets assets(settings.templates_dir, settings.static_dir);
  const api::ApiContext ctx = api_context(c, assets);
  http::Router router;
  api::register_all_routes(router, ctx);
  const std::string document = api::openapi_document(router, settings) + "\n";
  if (!output) {
    std::cout << document;
    return std::cout.flush() ? 0 : 1;
  }
  std::ofstream out(*output, std::ios::binary | std::ios::trunc);
  out << document;
  if (!out.flush()) {
    std::cerr << "gatehouse openapi: cannot write " << *output << "\n";
    return 1;
  }
  return 0;
}

}  // namespace gatehouse::app
