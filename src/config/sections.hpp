#pragma once
// The setting groups of each area (internal to src/config): the declarations of their
// settings and the rules that span them. Defined in the load_*.cpp files.
#include <string>
#include <string_view>

#include "config/reader.hpp"
#include "config/setting_spec.hpp"
#include "config/settings.hpp"

namespace gatehouse::config::detail {

// ENVIRONMENT (an invalid value is an error and the production rules apply), DATA_DIR,
// URLs, API_ROOT, directories, token lifetime and the feature switches.
SettingGroup general_group();
SettingGroup server_group();
SettingGroup cors_group();
SettingGroup log_group();
// MAIL_FILE_DIR defaults to <DATA_DIR>/mail: after the general group.
SettingGroup mail_group();
// WEBHOOK_*: the secret's rule needs ENVIRONMENT, so after the general group.
SettingGroup webhooks_group();
SettingGroup admin_pages_group();
SettingGroup metadata_group();
SettingGroup redis_group();
// Password hashing, JWT, lockout and rate-limit settings; production refuses hash costs
// below the OWASP minimums. After the general group (it needs ENVIRONMENT).
SettingGroup auth_group();
// DATABASE_URL, or the reference's DB_* variables, and the pool settings. After the
// general group (ENVIRONMENT, DATA_DIR).
SettingGroup database_group();
// Variables of the reference that are accepted and ignored.
SettingGroup ignored_group();

// Creates DATA_DIR and the SQLite file's directory; reports them when not writable.
// Returns whether DATA_DIR is usable.
bool prepare_directories(VariableReader& r, const Settings& s);
// SECRET_KEY rules; in development a missing key comes from <DATA_DIR>/secret_key,
// generated there when absent (only when `data_dir_ok`).
void load_secret_key(VariableReader& r, Settings& s, bool data_dir_ok);

// What is wrong with `key` as a secret named `variable` (SECRET_KEY, or one of
// PREVIOUS_SECRET_KEYS): a default or example value, or under 32 characters. Empty when
// nothing is; never contains the key.
std::string secret_key_problem(std::string_view variable, std::string_view key);

}  // namespace gatehouse::config::detail
