// DATA_DIR and the SQLite database directory: created if missing, checked writable.
#include <cstring>
#include <filesystem>
#include <system_error>

#include "config/files.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

namespace gatehouse::config::detail {

namespace {

std::filesystem::path normal_directory(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::path out = std::filesystem::absolute(p, ec).lexically_normal();
  if (!out.has_filename() && out.has_parent_path() && out != out.root_path()) {
    out = out.parent_path();
  }
  return out;
}

bool check_directory(VariableReader& r, std::string_view variable, const std::string& dir) {
  const int err = ensure_writable_directory(dir);
  if (err == 0) return true;
  r.error(std::string(variable) + ": directory " + quote(dir) + " is not writable (" +
          std::strerror(err) + ")");
  return false;
}

}  // namespace

bool prepare_directories(VariableReader& r, const Settings& s) {
  const bool data_dir_ok = check_directory(r, "DATA_DIR", s.data_dir);
  if (s.database.backend == DatabaseBackend::kSqlite && !s.database.sqlite_path.empty()) {
    std::filesystem::path parent = std::filesystem::path(s.database.sqlite_path).parent_path();
    if (parent.empty()) parent = ".";
    if (normal_directory(parent) != normal_directory(s.data_dir)) {
      check_directory(r, "DATABASE_URL", parent.string());
    }
  }
  return data_dir_ok;
}

}  // namespace gatehouse::config::detail
