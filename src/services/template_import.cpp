#include "services/template_import.hpp"

#include <limits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/user_repository.hpp"

namespace gatehouse::services {

namespace {

// Calls the listener's progress every `every` rows and once at the end of a table.
class Progress {
 public:
  Progress(const ImportListener& listener, std::string_view table, std::int64_t total,
           std::int64_t every)
      : listener_(listener), table_(table), total_(total), every_(every > 0 ? every : 1) {}

  void advance(std::int64_t rows) {
    const std::int64_t before = done_ / every_;
    done_ += rows;
    if (done_ / every_ != before) report();
  }
  // The end of the table, unless the last advance just reported it.
  void finish() {
    if (reported_ != done_) report();
  }

 private:
  const ImportListener& listener_;
  std::string_view table_;
  std::int64_t total_;
  std::int64_t every_;
  std::int64_t done_ = 0;
  std::int64_t reported_ = -1;

  void report() {
    reported_ = done_;
    if (listener_.progress) listener_.progress(table_, done_, total_);
  }
};

// "user 42 <a@example.com>" / "api key <uuid> (user 42)": how a conflict line names its row,
// with the source's values (so the row can be found there), made printable.
std::string describe(const store::ImportedUser& u) {
  return "user " + std::to_string(u.id) + " <" + printable(u.email) + ">";
}
std::string describe(const store::ImportedApiKey& k) {
  return "api key " + k.id + " (\"" + printable(k.name) + "\", user " + std::to_string(k.user_id) +
         ")";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// Passes each line to `to`, after its batch committed (a batch rolled back reports nothing).
void tell(const std::function<void(const std::string&)>& to,
          const std::vector<std::string>& lines) {
  if (!to) return;
  for (const auto& line : lines) to(line);
}

// Runs `fn` in one transaction, or directly in a dry run (which writes nothing, so it takes no
// write lock).
Status batch(store::Database& db, bool dry_run, const std::function<Status()>& fn) {
  return dry_run ? fn() : db.in_transaction(fn);
}

// One run of the import: its settings, what it found so far and the users it left out.
struct Copy {
  store::Database& db;
  store::TemplateSource& source;
  const ImportOptions& options;
  const ImportListener& listener;
  store::Timestamp now;
  ImportSummary summary;
  // Users whose keys must not be imported: not here under their id (their row conflicted).
  std::unordered_set<std::int64_t> users_left_out;

  // Every user, a page per transaction. Each transaction also moves the id generator past the
  // ids it inserted, so no registration (during the run, or after a run that failed midway)
  // can draw one of them.
  Status users() {
    store::ImportRepository& repo = db.imports();
    auto user_total = source.count_users();
    if (!user_total) return user_total.error();
    summary.users.total = *user_total;
    Progress user_progress(listener, "users", *user_total, options.progress_every);
    // Below any id: the template's SERIAL starts at 1, but a row may have been given any id.
    std::int64_t after_id = std::numeric_limits<std::int64_t>::min();
    for (;;) {
      auto page = source.users_after(after_id, options.batch_size);
      if (!page) return page.error();
      if (page->empty()) break;
      after_id = page->back().id;
      // Each email in the form sign-up gives it; the lookup must use that form too.
      std::vector<ImportedEmail> checked;
      std::vector<std::int64_t> ids;
      std::vector<std::string> emails;
      for (const auto& u : *page) {
        checked.push_back(normalize_imported_email(u.email));
        ids.push_back(u.id);
        if (checked.back().normalized) emails.push_back(*checked.back().normalized);
      }
      ImportCounts counts;
      std::int64_t normalized = 0;
      std::vector<std::string> lines;
      std::vector<std::string> email_lines;
      std::vector<std::int64_t> left_out;
      const Status written = batch(db, options.dry_run, [&]() -> Status {
        counts = {};
        normalized = 0;
        lines.clear();
        email_lines.clear();
        left_out.clear();
        if (!options.dry_run) {
          if (Status s = repo.lock_for_batch(); !s) return s;
        }
        auto stored = repo.users_matching(ids, emails);
        if (!stored) return stored.error();
        std::vector<store::ImportedUser> fresh;
        // Normal forms taken by earlier rows of this page: two source emails that differ only
        // in the domain's case are one address here.
        std::unordered_map<std::string, std::int64_t> taken_in_page;
        for (std::size_t i = 0; i < page->size(); ++i) {
          const store::ImportedUser& u = (*page)[i];
          const auto conflict = [&](const std::string& reason) {
            ++counts.conflicts;
            left_out.push_back(u.id);
            lines.push_back(describe(u) + ": " + reason);
          };
          if (!checked[i].normalized) {
            conflict(checked[i].problem);
            continue;
          }
          store::ImportedUser row = u;
          row.email = *checked[i].normalized;
          const RowVerdict v = judge_user(row, *stored);
          if (v.state == RowState::kPresent) {
            ++counts.present;
            continue;
          }
          if (v.state == RowState::kConflict) {
            conflict(v.reason);
            continue;
          }
          const auto [other, inserted] = taken_in_page.emplace(row.email, row.id);
          if (!inserted) {
            conflict("the email is user " + std::to_string(other->second) +
                     "'s too once normalised (" + printable(row.email) + ")");
            continue;
          }
          if (row.email != u.email) {
            ++normalized;
            email_lines.push_back(describe(u) + ": email stored as " + row.email);
          }
          fresh.push_back(std::move(row));
        }
        counts.imported = static_cast<std::int64_t>(fresh.size());
        if (options.dry_run || fresh.empty()) return ok();
        if (Status s = repo.insert_users(fresh, now); !s) return s;
        return repo.advance_user_ids();
      });
      if (!written) return written.error();
      summary.users.imported += counts.imported;
      summary.users.present += counts.present;
      summary.users.conflicts += counts.conflicts;
      summary.emails_normalized += normalized;
      users_left_out.insert(left_out.begin(), left_out.end());
      tell(listener.conflict, lines);
      tell(listener.email_normalized, email_lines);
      user_progress.advance(static_cast<std::int64_t>(page->size()));
    }
    user_progress.finish();
    return ok();
  }

  // Every key, a page per transaction, after users() (a key's user must be judged first).
  Status api_keys(bool has_last_used_at) {
    store::ImportRepository& repo = db.imports();
    auto key_total = source.count_api_keys();
    if (!key_total) return key_total.error();
    summary.api_keys.total = *key_total;
    Progress key_progress(listener, "api_keys", *key_total, options.progress_every);
    std::string after_key;
    for (;;) {
      auto page = source.api_keys_after(after_key, options.batch_size, has_last_used_at);
      if (!page) return page.error();
      if (page->empty()) break;
      after_key = page->back().key.id;
      std::vector<std::string> ids;
      std::vector<std::string> hashes;
      std::vector<std::int64_t> owners;
      for (const auto& k : *page) {
        ids.push_back(k.key.id);
        hashes.push_back(k.key.key_hash);
        owners.push_back(k.key.user_id);
      }
      ImportCounts counts;
      std::vector<std::string> lines;
      std::vector<std::string> scope_lines;
      std::int64_t narrowed = 0;
      std::int64_t emptied = 0;
      const Status written = batch(db, options.dry_run, [&]() -> Status {
        counts = {};
        lines.clear();
        scope_lines.clear();
        narrowed = emptied = 0;
        if (!options.dry_run) {
          if (Status s = repo.lock_for_batch(); !s) return s;
        }
        auto stored = repo.api_keys_matching(ids, hashes);
        if (!stored) return stored.error();
        // The owners' roles here: a user already here before the import keeps the role it has
        // here, whatever the source says, and an admin:* scope follows that role.
        auto owners_here = repo.users_matching(owners, {});
        if (!owners_here) return owners_here.error();
        std::unordered_map<std::int64_t, bool> admin_here;
        for (const auto& o : *owners_here) admin_here[o.id] = o.role == store::kRoleAdmin;
        std::vector<store::ImportedApiKey> fresh;
        for (const auto& k : *page) {
          if (users_left_out.contains(k.key.user_id)) {
            ++counts.conflicts;
            lines.push_back(describe(k.key) + ": its user was not imported (conflict above)");
            continue;
          }
          const RowVerdict v = judge_api_key(k.key, *stored);
          if (v.state == RowState::kPresent) {
            ++counts.present;
            continue;
          }
          if (v.state == RowState::kConflict) {
            ++counts.conflicts;
            lines.push_back(describe(k.key) + ": " + v.reason);
            continue;
          }
          store::ImportedApiKey row = k.key;
          // Not here only in a dry run (its users were not written): they would get the
          // source's role.
          const auto here = admin_here.find(row.user_id);
          const bool owner_is_admin = here != admin_here.end() ? here->second : k.owner_is_admin;
          ScopeMapping mapped = map_template_scopes(row.scopes, owner_is_admin);
          if (!mapped.dropped.empty()) {
            ++narrowed;
            const bool none_left = mapped.scopes && mapped.scopes->empty();
            if (none_left) ++emptied;
            scope_lines.push_back(
                describe(row) + ": scopes dropped: " + joined(mapped.dropped) +
                (none_left ? " (no scope left: it reaches no scoped route)" : ""));
          }
          row.scopes = std::move(mapped.scopes);
          fresh.push_back(std::move(row));
        }
        counts.imported = static_cast<std::int64_t>(fresh.size());
        return options.dry_run ? ok() : repo.insert_api_keys(fresh);
      });
      if (!written) return written.error();
      summary.api_keys.imported += counts.imported;
      summary.api_keys.present += counts.present;
      summary.api_keys.conflicts += counts.conflicts;
      summary.keys_with_dropped_scopes += narrowed;
      summary.keys_left_without_scopes += emptied;
      tell(listener.conflict, lines);
      tell(listener.scopes_dropped, scope_lines);
      key_progress.advance(static_cast<std::int64_t>(page->size()));
    }
    key_progress.finish();
    return ok();
  }
};

}  // namespace

Result<TemplateSchema> inspect_template(store::TemplateSource& source) {
  auto revisions = source.revisions();
  if (!revisions) return revisions.error();
  RevisionCheck check = check_template_revision(*revisions);
  if (!check.schema) return Error::invalid_input(check.problem);
  return std::move(*check.schema);
}

Result<ImportSummary> TemplateImport::run(store::TemplateSource& source,
                                          const ImportOptions& options,
                                          const ImportListener& listener) {
  auto schema = inspect_template(source);
  if (!schema) return schema.error();
  Copy copy{db_, source, options, listener, clock_()};
  copy.summary.revision = schema->revision;
  copy.summary.has_api_keys = schema->has_api_keys;
  if (Status s = copy.users(); !s) return s.error();
  if (schema->has_api_keys) {
    if (Status s = copy.api_keys(schema->has_last_used_at); !s) return s.error();
  }
  const ImportSummary& summary = copy.summary;
  if (!options.dry_run && summary.users.imported + summary.api_keys.imported > 0) {
    AuditEntry entry;
    entry.action = audit_action::kImportFastapiTemplate;
    entry.details = {{"revision", summary.revision},
                     {"users_imported", summary.users.imported},
                     {"users_present", summary.users.present},
                     {"users_conflicts", summary.users.conflicts},
                     {"api_keys_imported", summary.api_keys.imported},
                     {"api_keys_present", summary.api_keys.present},
                     {"api_keys_conflicts", summary.api_keys.conflicts}};
    if (Status s = audit_.record(entry); !s) return s.error();
  }
  return summary;
}

}  // namespace gatehouse::services
