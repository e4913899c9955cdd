#include "app/import_commands.hpp"

#include <cstdio>
#include <memory>

#include "app/import_source_url.hpp"
#include "app/user_commands.hpp"
#include "services/template_import.hpp"
#include "store/postgres/fastapi_template_source.hpp"

namespace gatehouse::app {

namespace {

constexpr const char* kWhat = "importing from the fastapi-template";
// Conflict and scope lines printed in full; past this, one line says how many more there were,
// so an import of a big database with a systematic problem stays readable.
constexpr std::int64_t kMaxLinesShown = 20;

// The public message and, when there is one, the cause (libpq's text, password redacted), on
// one line: libpq's messages span several.
std::string error_text(const Error& e) {
  std::string text = e.public_message;
  if (!e.cause.empty() && e.cause != e.public_message) text += ": " + e.cause;
  std::string out;
  for (const char ch : text) {
    const bool space = ch == '\n' || ch == '\t' || ch == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : ch);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

int fail(const std::string& detail) {
  std::fprintf(stderr, "-> ERROR %s : %s\n", kWhat, detail.c_str());
  return 1;
}

// Prints the first kMaxLinesShown lines, each after `prefix`, and counts the others.
class CappedLines {
 public:
  explicit CappedLines(const char* prefix) : prefix_(prefix) {}
  void add(const std::string& line) {
    if (++count_ <= kMaxLinesShown) std::printf("  %s: %s\n", prefix_, line.c_str());
  }
  void finish() const {
    if (count_ > kMaxLinesShown) {
      std::printf("  ... and %lld more %s lines\n", static_cast<long long>(count_ - kMaxLinesShown),
                  prefix_);
    }
  }

 private:
  const char* prefix_;
  std::int64_t count_ = 0;
};

void print_counts(const char* table, const services::ImportCounts& c, bool dry_run) {
  std::printf("%s: %lld %s, %lld already present, %lld conflicts (%lld in the source)\n", table,
              static_cast<long long>(c.imported), dry_run ? "would be imported" : "imported",
              static_cast<long long>(c.present), static_cast<long long>(c.conflicts),
              static_cast<long long>(c.total));
}

}  // namespace

int import_fastapi_template(const config::Settings& s, const ImportArgs& args) {
  if (!is_postgres_source(args.source_url)) {
    return fail("the source must be a PostgreSQL URL (postgresql://user:password@host/db)");
  }
  const std::string label = masked_source_url(args.source_url);
  // The source is checked before the configured database is opened (and migrated): an
  // unusable source leaves it untouched.
  auto source = store::postgres::open_fastapi_template_source(args.source_url,
                                                              s.database.connect_timeout_seconds);
  if (!source) return fail(label + ": " + error_text(source.error()));
  auto schema = services::inspect_template(**source);
  if (!schema) return fail(label + ": " + error_text(schema.error()));

  auto c = open_components(s);
  if (!c) return 1;
  std::printf("%s from %s (alembic revision %s) into %s%s\n",
              args.dry_run ? "Dry run: reading" : "Importing", label.c_str(),
              schema->revision.c_str(), std::string(c->db->backend_name()).c_str(),
              args.dry_run ? "; nothing is written" : "");
  std::fflush(stdout);

  CappedLines conflicts("conflict");
  CappedLines scopes("scopes");
  CappedLines emails("email");
  services::ImportListener listener;
  listener.progress = [](std::string_view table, std::int64_t done, std::int64_t total) {
    std::fprintf(stderr, "%.*s: %lld/%lld\n", static_cast<int>(table.size()), table.data(),
                 static_cast<long long>(done), static_cast<long long>(total));
  };
  listener.conflict = [&](const std::string& line) { conflicts.add(line); };
  listener.scopes_dropped = [&](const std::string& line) { scopes.add(line); };
  listener.email_normalized = [&](const std::string& line) { emails.add(line); };

  services::TemplateImport importer(*c->db, *c->audit, c->clock);
  services::ImportOptions options;
  options.dry_run = args.dry_run;
  auto summary = importer.run(**source, options, listener);
  conflicts.finish();
  scopes.finish();
  emails.finish();
  if (!summary) return fail(label + ": " + error_text(summary.error()));

  print_counts("Users", summary->users, args.dry_run);
  if (summary->emails_normalized > 0) {
    std::printf("Users whose email was stored in its normal form: %lld\n",
                static_cast<long long>(summary->emails_normalized));
  }
  if (summary->has_api_keys) {
    print_counts("API keys", summary->api_keys, args.dry_run);
    if (summary->keys_with_dropped_scopes > 0) {
      std::printf("API keys with unknown scopes dropped: %lld (%lld left with no scope)\n",
                  static_cast<long long>(summary->keys_with_dropped_scopes),
                  static_cast<long long>(summary->keys_left_without_scopes));
    }
  } else {
    std::printf("API keys: none at revision %s (the table came with %s)\n",
                summary->revision.c_str(), std::string(services::kRevisionApiKeys).c_str());
  }
  const std::int64_t imported = summary->users.imported + summary->api_keys.imported;
  if (args.dry_run) {
    std::printf("Dry run: nothing was written.\n");
  } else if (imported == 0) {
    std::printf("Nothing changed: every row is already present or in conflict.\n");
  }
  return summary->users.conflicts + summary->api_keys.conflicts > 0 ? kImportExitConflicts : 0;
}

}  // namespace gatehouse::app
