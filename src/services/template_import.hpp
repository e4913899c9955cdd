#pragma once
// TemplateImport: `gatehouse import fastapi-template` (docs/import-from-fastapi-template.md).
// Copies users, then API keys, from a TemplateSource into the configured database, a batch
// per transaction, following services/template_import_rules.hpp: new rows are inserted with
// their ids (emails in their normal form), rows already here are left alone, conflicts and
// invalid emails are reported and never written. Running it twice changes nothing the second
// time; two runs at once import each row once (ImportRepository::lock_for_batch).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"
#include "services/audit_log.hpp"
#include "services/clock.hpp"
#include "services/template_import_rules.hpp"
#include "store/database.hpp"
#include "store/template_source.hpp"

namespace gatehouse::services {

struct ImportOptions {
  bool dry_run = false;  // judge every row, write nothing
  int batch_size = 1000;
  std::int64_t progress_every = 10000;  // rows between two progress calls of one table
};

struct ImportCounts {
  std::int64_t total = 0;      // rows in the source
  std::int64_t imported = 0;   // written (or, in a dry run, that would be)
  std::int64_t present = 0;    // already here, identical: skipped
  std::int64_t conflicts = 0;  // for users, invalid emails among them
};

struct ImportSummary {
  std::string revision;
  bool has_api_keys = false;  // false: a revision before add_api_keys_table
  ImportCounts users;
  ImportCounts api_keys;
  std::int64_t emails_normalized = 0;         // imported users whose email was stored changed
  std::int64_t keys_with_dropped_scopes = 0;  // among the imported keys
  std::int64_t keys_left_without_scopes = 0;  // of those, the ones whose list became empty
};

// What the caller hears while the import runs; each may be empty.
struct ImportListener {
  // `table` is "users" or "api_keys": every progress_every rows and once at its end.
  std::function<void(std::string_view table, std::int64_t done, std::int64_t total)> progress;
  // One line per conflict, e.g. "user 42 <a@example.com>: the email is already user 7's here",
  // or per invalid email ("user 42 <a@@b>: not a valid email address: ...").
  std::function<void(const std::string& line)> conflict;
  // One line per imported user whose email was stored in its normal form, e.g.
  // "user 42 <Bob@Example.COM>: email stored as Bob@example.com".
  std::function<void(const std::string& line)> email_normalized;
  // One line per imported key whose scopes were narrowed (map_template_scopes).
  std::function<void(const std::string& line)> scopes_dropped;
};

// The source's schema, read from alembic_version; kInvalidInput with a one-line public message
// (check_template_revision) when it cannot be imported. Reads only: callers check a source
// with it before they touch the configured database.
Result<TemplateSchema> inspect_template(store::TemplateSource& source);

class TemplateImport {
 public:
  TemplateImport(store::Database& db, AuditLog& audit, Clock clock)
      : db_(db), audit_(audit), clock_(std::move(clock)) {}

  // kInvalidInput with a one-line public message when the source is not a known revision of the
  // template (nothing written); the store's or source's error when a read or a batch fails
  // (batches committed before it stay: running again resumes). Records one
  // import.fastapi_template event when rows were written.
  Result<ImportSummary> run(store::TemplateSource& source, const ImportOptions& options,
                            const ImportListener& listener);

 private:
  store::Database& db_;
  AuditLog& audit_;
  Clock clock_;
};

}  // namespace gatehouse::services
