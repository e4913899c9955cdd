#pragma once
// The loaders of each settings section (internal to src/config). Each reads its
// variables through the VariableReader, which collects every error and warning.
#include "config/reader.hpp"
#include "config/settings.hpp"

namespace gatehouse::config::detail {

// ENVIRONMENT (an invalid value is an error and the production rules apply), DATA_DIR,
// URLs, API_ROOT, directories, token lifetime and the feature switches.
void load_general(VariableReader& r, Settings& s);
void load_server(VariableReader& r, ServerSettings& s);
void load_cors(VariableReader& r, CorsSettings& s);
void load_log(VariableReader& r, LogSettings& s);
void load_mail(VariableReader& r, MailSettings& s, const std::string& data_dir);
void load_admin_pages(VariableReader& r, AdminPagesSettings& s);
void load_metadata(VariableReader& r, MetadataSettings& s);
void load_redis(VariableReader& r, RedisSettings& s);
// Password hashing, JWT, lockout and rate-limit settings; production refuses hash costs
// below the OWASP minimums. Needs s.environment.
void load_auth(VariableReader& r, Settings& s);
// DATABASE_URL, or the reference's DB_* variables, and the pool settings. Needs
// s.environment and s.data_dir.
void load_database(VariableReader& r, Settings& s);
// Creates DATA_DIR and the SQLite file's directory; reports them when not writable.
// Returns whether DATA_DIR is usable.
bool prepare_directories(VariableReader& r, const Settings& s);
// SECRET_KEY rules; in development a missing key comes from <DATA_DIR>/secret_key,
// generated there when absent (only when `data_dir_ok`).
void load_secret_key(VariableReader& r, Settings& s, bool data_dir_ok);

}  // namespace gatehouse::config::detail
