// load_settings: merges the sources, loads every declared setting, collects all errors.
#include "config/loader.hpp"

#include <algorithm>
#include <thread>

#include "config/reader.hpp"
#include "config/sections.hpp"
#include "config/setting_spec.hpp"
#include "config/sources.hpp"

namespace gatehouse::config {

namespace {

int cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// WORKER_THREADS=0 picks a size for the backend. SQLite work is CPU-bound microseconds, so
// one worker per core avoids waking idle threads for every request (measured: 8 workers on
// 2 cores serve /users/me ~20 % slower than 2). PostgreSQL work waits on the network, so more
// workers keep the cores busy.
int resolved_worker_threads(const Settings& s) {
  if (s.server.worker_threads > 0) return s.server.worker_threads;
  return s.database.backend == DatabaseBackend::kSqlite ? std::max(2, cores())
                                                        : std::max(8, 4 * cores());
}

}  // namespace

LoadResult load_settings(const VariableMap& env, const std::string& dotenv_path) {
  LoadResult result;
  detail::MergedSources sources = detail::merge_sources(env, dotenv_path);
  result.warnings = std::move(sources.warnings);
  result.errors = std::move(sources.errors);

  detail::VariableReader r(sources.values, result);
  Settings& s = result.settings;
  // Each setting as declared, then the rules of its group.
  for (const detail::SettingGroup& group : detail::setting_groups()) {
    for (const detail::SettingSpec& spec : group.settings) {
      if (spec.load) spec.load(r, s);
    }
    if (group.rule != nullptr) group.rule(r, s);
  }
  s.server.worker_threads = resolved_worker_threads(s);
  // Resolved here once, so the hash pool and the password lane agree on it.
  if (s.auth.hash_threads == 0) s.auth.hash_threads = cores();
  s.server.password_threads = 2 * s.auth.hash_threads;
  s.server.password_queue_size = s.auth.hash_queue_size;
  const bool data_dir_ok = detail::prepare_directories(r, s);
  detail::load_secret_key(r, s, data_dir_ok);
  return result;
}

}  // namespace gatehouse::config
