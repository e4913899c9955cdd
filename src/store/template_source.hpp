#pragma once
// TemplateSource: a database laid out by the Python fastapi-template's Alembic migrations,
// read for `gatehouse import fastapi-template` (docs/import-from-fastapi-template.md). Only
// reads, all from one snapshot taken when it is opened (every call sees the source as it was
// then, whatever is written to it meanwhile). Implementation:
// store/postgres/fastapi_template_source.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/import_repository.hpp"

namespace gatehouse::store {

// A key and whether its owner is an admin in the source. The scope rule follows the owner's
// role here once the owner is here; this is what a dry run, which writes no user, goes by.
struct TemplateApiKey {
  ImportedApiKey key;
  bool owner_is_admin = false;
};

// Errors: kUnavailable when the server cannot be reached (the message never holds the
// password), kInternal for a query that fails (e.g. a table missing from the revision).
class TemplateSource {
 public:
  virtual ~TemplateSource() = default;

  // The version_num rows of alembic_version (normally one); nullopt when the table does not
  // exist.
  virtual Result<std::optional<std::vector<std::string>>> revisions() = 0;

  virtual Result<std::int64_t> count_users() = 0;
  virtual Result<std::int64_t> count_api_keys() = 0;

  // At most `limit` users with an id above `after_id`, by id.
  virtual Result<std::vector<ImportedUser>> users_after(std::int64_t after_id, int limit) = 0;

  // At most `limit` keys with an id above `after_id` ("" for the first page), by id.
  // `has_last_used_at`: the revision has the column (add_last_used_at); otherwise it is null.
  virtual Result<std::vector<TemplateApiKey>> api_keys_after(const std::string& after_id, int limit,
                                                             bool has_last_used_at) = 0;
};

}  // namespace gatehouse::store
