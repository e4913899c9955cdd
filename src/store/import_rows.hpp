#pragma once
// Batches of imported rows, shared by both backends: checked against the column rules
// (store/record_rules.hpp) before any SQL runs, and encoded as one JSON array parameter, so a
// batch is one INSERT ... SELECT over json_each (SQLite) or json_to_recordset (PostgreSQL)
// instead of a round trip per row. Times are format_iso8601 text, scopes a JSON array or null.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/import_repository.hpp"

namespace gatehouse::store {

// kInvalidInput (the cause naming the first row and column at fault) when a row breaks a rule.
Status check_imported_users(const std::vector<ImportedUser>& users);
Status check_imported_api_keys(const std::vector<ImportedApiKey>& keys);

// [{"id","email","password","first_name","last_name","role","banned","verified"}, ...]
std::string users_json(const std::vector<ImportedUser>& users);

// [{"id","user_id","key","name","created_at","is_active","scopes","last_used_at"}, ...]
std::string api_keys_json(const std::vector<ImportedApiKey>& keys);

// ["1","2"]: ids as strings, so one string-list parameter serves ids and emails alike.
std::string id_list_json(const std::vector<std::int64_t>& ids);

}  // namespace gatehouse::store
