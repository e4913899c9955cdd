#pragma once
// Loading and validating Settings. Precedence: process environment > .env file >
// files in SECRETS_DIR > defaults. Every error message starts with the name of the
// variable it is about, e.g. `PORT: must be an integer from 1 to 65535 (got "abc")`;
// problems of the .env file itself start with "<path>:<line>:". Secrets are never echoed.
// Empty values count as unset for integers, booleans and ENVIRONMENT.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"

namespace gatehouse::config {

using VariableMap = std::map<std::string, std::string>;

struct LoadResult {
  Settings settings;
  std::vector<std::string> warnings;  // e.g. the generated development SECRET_KEY
  std::vector<std::string> errors;    // non-empty: the settings must not be used
  bool ok() const { return errors.empty(); }
};

// Snapshot of the process environment.
VariableMap process_environment();

// Loads settings from `env` (normally process_environment()), the .env file at
// `dotenv_path` (missing file is fine) and SECRETS_DIR (named in `env` only).
// In development, a missing SECRET_KEY is read from / generated into
// <DATA_DIR>/secret_key (mode 0600). Creates DATA_DIR if missing and reports an
// error naming DATA_DIR when it cannot be created or written.
LoadResult load_settings(const VariableMap& env, const std::string& dotenv_path = ".env");

// The effective settings as (VARIABLE, value) rows for `gatehouse config check`,
// with secrets (SECRET_KEY, passwords, keys, passwords inside URLs) masked.
std::vector<std::pair<std::string, std::string>> describe_settings(const Settings& s);

// Masks the password of a URL: postgresql://user:pw@host/db -> postgresql://user:****@host/db.
// URLs without a password are returned unchanged.
std::string mask_url_password(const std::string& url);

}  // namespace gatehouse::config
