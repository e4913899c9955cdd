#pragma once
// Column rules shared by both backends, checked before any SQL runs so SQLite and
// PostgreSQL reject the same records with the same error (PostgreSQL's VARCHAR(n) and enum,
// mirrored by CHECK constraints on SQLite, stay as the last line of defence).
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/api_key_repository.hpp"
#include "store/user_repository.hpp"

namespace gatehouse::store {

// Public messages of the errors the repositories produce.
inline constexpr const char* kUserEmailTaken = "A User with this email already exists";
inline constexpr const char* kApiKeyTaken = "An API key with this value already exists";
inline constexpr const char* kUserNotFound = "User not found";
inline constexpr const char* kInvalidRecord = "Invalid value";
inline constexpr const char* kLastAdminDelete = "Cannot delete the last admin user";
inline constexpr const char* kLastAdminDemote = "Cannot remove the last admin user";

// `e` from a write naming a user in a foreign key (user_id): kNotFound, the key failing,
// becomes kUserNotFound with kUserNotFound as message; any other error is returned as is.
Error user_reference_error(Error e);

// A session insert refused because the user's TOTP state is no longer the one the sign-in
// was decided on (NewSession::require_mfa_enabled).
inline constexpr const char* kMfaChangedDuringSignIn =
    "Two-factor authentication changed during this sign-in; sign in again";
Error mfa_state_changed();

// kBadRequest (public kInvalidRecord, cause naming the column) when a field breaks a rule.
Status check_new_user(const NewUser& user);
Status check_profile(const ProfileUpdate& profile);
Status check_password_hash(const std::string& hash);
Status check_ban(const BanUpdate& ban);
Status check_new_api_key(const NewApiKey& key);
Status check_api_key_name(const std::string& name);
Status check_role(const std::string& role);

// The canonical (lower-case) form of `id` when it is a UUID; nullopt otherwise. API key ids
// go through this so a malformed id is "not found" on both backends (PostgreSQL would
// otherwise reject it as invalid UUID syntax) and case never matters. Session ids too.
std::optional<std::string> canonical_uuid(const std::string& id);

// `term` as a LIKE pattern matching it anywhere, literally: `\`, `%` and `_` are escaped
// with `\` (use ESCAPE '\').
std::string contains_pattern(const std::string& term);

// The WHERE condition of UserRepository::search for `q`, its one parameter written
// `placeholder` ("$1" or "?1"). PostgreSQL uses ILIKE; SQLite lower()s both sides with
// gh_lower() (sqlite_connection.cpp), the same folding as PostgreSQL's lower() in a UTF-8
// locale. Bind exact ? q.term : contains_pattern(q.term).
std::string user_search_condition(const UserSearch& q, const std::string& placeholder,
                                  bool postgres);

// SQL fragments of the column-scoped user writes (UserRepository::set_password, set_ban,
// cut_tokens, update_profile), shared by both backends. Placeholders are the caller's ("$3" or
// "?3"); on PostgreSQL each gets its type cast. Every right-hand side reads the row as it was
// before the statement, so the comparisons are decided under the statement's write lock.
//
// `tokens_valid_after = …`: the cut-off `at` only moves forward; `at` NULL keeps it. (SQLite
// stores fixed-width ISO-8601 text, so text order is time order.)
std::string token_cutoff_assignment(const std::string& at, bool postgres);
// The columns of a PasswordUpdate: `hash` NULL keeps the password (a profile edit without
// one), `cut` as token_cutoff_assignment, `clear_lockout` a boolean.
std::string password_assignments(const std::string& hash, const std::string& cut,
                                 const std::string& clear_lockout, bool postgres);

}  // namespace gatehouse::store
