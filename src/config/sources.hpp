#pragma once
// The sources of settings and their precedence (internal to src/config):
// process environment > .env file > files in SECRETS_DIR > defaults.
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"

namespace gatehouse::config::detail {

// Every variable Gatehouse reads (the declared settings), upper case, SECRETS_DIR excepted
// (it is read from the process environment only and names the directory itself).
const std::vector<std::string_view>& known_variables();
bool is_known_variable(std::string_view upper_name);

struct MergedSources {
  VariableMap values;  // known variables only, keys upper case
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
};

// Reads the three sources. `env` keys are matched case-insensitively; when a name occurs
// in several cases the upper-case spelling wins.
MergedSources merge_sources(const VariableMap& env, const std::string& dotenv_path);

}  // namespace gatehouse::config::detail
