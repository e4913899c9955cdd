#pragma once
// The rules of `gatehouse import fastapi-template` (docs/import-from-fastapi-template.md), free
// of I/O so they are tested on their own: which Alembic revisions can be read, how a key's
// free-form scopes become ours without ever widening them, how an email is stored, and whether
// a row is new, already here, or in conflict with what is here.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/import_repository.hpp"

namespace gatehouse::services {

// The template's Alembic revisions, oldest first (its migration history).
inline constexpr std::string_view kRevisionInitial = "5a8bd25c2227";
inline constexpr std::string_view kRevisionApiKeys = "add_api_keys_table";
inline constexpr std::string_view kRevisionLastUsed = "add_last_used_at";

// What a known revision has: users always; api_keys from add_api_keys_table; its
// last_used_at column from add_last_used_at.
struct TemplateSchema {
  std::string revision;
  bool has_api_keys = false;
  bool has_last_used_at = false;
};

// The schema for the rows of alembic_version (nullopt: no such table), or why the database
// cannot be imported (one line): no table, no row, several rows, an unknown revision.
struct RevisionCheck {
  std::optional<TemplateSchema> schema;
  std::string problem;
};
RevisionCheck check_template_revision(const std::optional<std::vector<std::string>>& revisions);

// A key's scopes as imported: null stays null (the user's full rights, in both systems); from
// a list, the names of our vocabulary are kept in order without repeats, and every other name
// is dropped, as is an admin:* scope on a non-admin's key (it could never be granted). So an
// imported key never reaches more than the template declared; a list left empty reaches no
// scoped route.
struct ScopeMapping {
  std::optional<std::vector<std::string>> scopes;
  std::vector<std::string> dropped;  // in the order they appeared
};
ScopeMapping map_template_scopes(const std::optional<std::vector<std::string>>& scopes,
                                 bool owner_is_admin);

// How an imported email is stored: checked and normalised by check_email
// (core/email_address.hpp), as sign-up and login do, so the user can sign in with it, the
// lookups compare it with stored emails in the same form, and nothing a header could not carry
// (a control character) is ever stored. `normalized` unset: not an address, `problem` says
// why (one line).
struct ImportedEmail {
  std::optional<std::string> normalized;
  std::string problem;
};
ImportedEmail normalize_imported_email(std::string_view email);

// `text` (a source value, e.g. an email check_email refused) safe on one line of a report:
// control bytes and DEL become \xNN, so a row cannot break or forge lines of the output.
std::string printable(std::string_view text);

enum class RowState { kNew, kPresent, kConflict };

// A row's fate and, for a conflict, why (one line, no secret in it).
struct RowVerdict {
  RowState state = RowState::kNew;
  std::string reason;
};

// Against the stored users with the same id or email (`user.email` already normalised, as the
// stored ones are): same id and email is kPresent (the
// other columns are not compared: a present row is never touched); the id held by another
// email, or the email held by another id, is a conflict.
RowVerdict judge_user(const store::ImportedUser& user,
                      const std::vector<store::StoredUserIdentity>& stored);

// Against the stored keys with the same id or hash: same id, user and hash is kPresent; the
// id held for another user or with another hash, or the hash held by another id, a conflict.
RowVerdict judge_api_key(const store::ImportedApiKey& key,
                         const std::vector<store::StoredKeyIdentity>& stored);

}  // namespace gatehouse::services
