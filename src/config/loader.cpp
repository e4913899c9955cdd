// load_settings: merges the sources, runs every section loader, collects all errors.
#include "config/loader.hpp"

#include "config/reader.hpp"
#include "config/sections.hpp"
#include "config/sources.hpp"

namespace gatehouse::config {

LoadResult load_settings(const VariableMap& env, const std::string& dotenv_path) {
  LoadResult result;
  detail::MergedSources sources = detail::merge_sources(env, dotenv_path);
  result.warnings = std::move(sources.warnings);
  result.errors = std::move(sources.errors);

  detail::VariableReader r(sources.values, result);
  Settings& s = result.settings;
  detail::load_general(r, s);  // first: ENVIRONMENT and DATA_DIR steer the rest
  detail::load_server(r, s.server);
  detail::load_cors(r, s.cors);
  detail::load_log(r, s.log);
  detail::load_mail(r, s.mail, s.data_dir);
  detail::load_admin_pages(r, s.admin_pages);
  detail::load_metadata(r, s.metadata);
  detail::load_redis(r, s.redis);
  detail::load_auth(r, s);
  detail::load_database(r, s);
  const bool data_dir_ok = detail::prepare_directories(r, s);
  detail::load_secret_key(r, s, data_dir_ok);
  return result;
}

}  // namespace gatehouse::config
