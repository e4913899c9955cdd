#include "config/sources.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "config/dotenv.hpp"
#include "config/files.hpp"
#include "config/setting_spec.hpp"
#include "config/text.hpp"

extern char** environ;  // NOLINT: POSIX

namespace gatehouse::config {

VariableMap process_environment() {
  VariableMap out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

namespace detail {

namespace {

constexpr std::string_view kSecretsDir = "SECRETS_DIR";

// Upper-cases the keys of `env`, keeping only `keep(name)`; the upper-case spelling of
// a name wins over other spellings.
template <class Keep>
VariableMap normalise_keys(const VariableMap& env, Keep keep) {
  VariableMap out;
  for (const auto& [key, value] : env) {
    std::string upper = to_upper(key);
    if (!keep(upper)) continue;
    if (key == upper || !out.contains(upper)) out[std::move(upper)] = value;
  }
  return out;
}

void strip_trailing_newlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Files in `dir` named like a variable (exact upper-case name, or lower-case name).
void read_secrets_dir(const std::string& dir, MergedSources& out) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    out.warnings.emplace_back(
        "SECRETS_DIR is set but does not exist or is not a directory. File-based secrets will "
        "not be loaded.");
    return;
  }
  if (::access(dir.c_str(), W_OK) == 0) {
    out.warnings.emplace_back(
        "SECRETS_DIR is writable by the current process. For best security, this directory "
        "should be read-only.");
  }
  for (std::string_view name : known_variables()) {
    for (const std::string& file_name : {std::string(name), to_lower(name)}) {
      const std::string path = (std::filesystem::path(dir) / file_name).string();
      std::string content;
      const int err = read_whole_file(path, content);
      if (err == ENOENT || err == EISDIR) continue;
      if (err != 0) {
        out.errors.push_back("SECRETS_DIR: cannot read file " + quote(path) + " (" +
                             std::strerror(err) + ")");
        break;
      }
      strip_trailing_newlines(content);
      out.values[std::string(name)] = std::move(content);
      break;
    }
  }
}

}  // namespace

const std::vector<std::string_view>& known_variables() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const SettingGroup& group : setting_groups()) {
      for (const SettingSpec& spec : group.settings) names.push_back(spec.name);
    }
    return names;
  }();
  return kNames;
}

bool is_known_variable(std::string_view upper_name) {
  const auto& names = known_variables();
  return std::find(names.begin(), names.end(), upper_name) != names.end();
}

MergedSources merge_sources(const VariableMap& env, const std::string& dotenv_path) {
  MergedSources out;

  // Lowest precedence first: SECRETS_DIR, then .env, then the process environment.
  const VariableMap secrets_env =
      normalise_keys(env, [](const std::string& name) { return name == kSecretsDir; });
  if (auto it = secrets_env.find(std::string(kSecretsDir));
      it != secrets_env.end() && !it->second.empty()) {
    read_secrets_dir(it->second, out);
  }

  DotenvFile dotenv = read_dotenv_file(dotenv_path);
  out.errors.insert(out.errors.end(), dotenv.errors.begin(), dotenv.errors.end());
  for (DotenvEntry& entry : dotenv.entries) {
    const std::string where = dotenv_path + ":" + std::to_string(entry.line) + ": ";
    if (entry.key == kSecretsDir) {
      out.warnings.push_back(where +
                             "SECRETS_DIR is read from the process environment only; ignored");
    } else if (!is_known_variable(entry.key)) {
      out.warnings.push_back(where + "unknown variable " + entry.key + " ignored");
    } else {
      out.values[entry.key] = std::move(entry.value);
    }
  }

  for (auto& [key, value] :
       normalise_keys(env, [](const std::string& name) { return is_known_variable(name); })) {
    out.values[key] = value;
  }
  return out;
}

}  // namespace detail
}  // namespace gatehouse::config
