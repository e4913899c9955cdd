#include "store/record_rules.hpp"

#include <cstddef>

#include "core/ids.hpp"

namespace gatehouse::store {

namespace {

// The reference schema's VARCHAR limits, counted in characters as PostgreSQL does.
constexpr std::size_t kEmailMax = 120;
constexpr std::size_t kPasswordMax = 255;
constexpr std::size_t kFirstNameMax = 30;
constexpr std::size_t kLastNameMax = 50;
constexpr std::size_t kApiKeyMax = 255;
constexpr std::size_t kApiKeyNameMax = 50;
constexpr std::size_t kBanReasonMax = 255;

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Status check_length(const char* column, const std::string& value, std::size_t max) {
  if (utf8_length(value) <= max) return ok();
  Error e = Error::invalid_input(kInvalidRecord);
  e.cause = std::string(column) + " longer than " + std::to_string(max) + " characters";
  return e;
}

Status check_user_fields(const std::string& email, const std::string& password_hash,
                         const std::string& first_name, const std::string& last_name,
                         const std::string& role) {
  if (auto s = check_length("users.email", email, kEmailMax); !s) return s;
  if (auto s = check_length("users.password", password_hash, kPasswordMax); !s) return s;
  if (auto s = check_length("users.first_name", first_name, kFirstNameMax); !s) return s;
  if (auto s = check_length("users.last_name", last_name, kLastNameMax); !s) return s;
  return check_role(role);
}

}  // namespace

Error mfa_state_changed() { return Error::of(ErrorCode::kMfaState, kMfaChangedDuringSignIn); }

Error user_reference_error(Error e) {
  if (e.is(ErrorCode::kNotFound)) {
    e.code = ErrorCode::kUserNotFound;
    e.public_message = kUserNotFound;
  }
  return e;
}

Status check_role(const std::string& role) {
  if (role == kRoleUser || role == kRoleAdmin) return ok();
  Error e = Error::invalid_input(kInvalidRecord);
  e.cause = "users.role must be 'user' or 'admin'";
  return e;
}

Status check_new_user(const NewUser& user) {
  return check_user_fields(user.email, user.password_hash, user.first_name, user.last_name,
                           user.role);
}

Status check_profile(const ProfileUpdate& profile) {
  if (auto s = check_length("users.email", profile.email, kEmailMax); !s) return s;
  if (auto s = check_length("users.first_name", profile.first_name, kFirstNameMax); !s) return s;
  return check_length("users.last_name", profile.last_name, kLastNameMax);
}

Status check_password_hash(const std::string& hash) {
  return check_length("users.password", hash, kPasswordMax);
}

Status check_ban(const BanUpdate& ban) {
  if (!ban.reason) return ok();
  return check_length("users.ban_reason", *ban.reason, kBanReasonMax);
}

Status check_new_api_key(const NewApiKey& key) {
  if (auto s = check_length("api_keys.key", key.key_hash, kApiKeyMax); !s) return s;
  return check_api_key_name(key.name);
}

Status check_api_key_name(const std::string& name) {
  return check_length("api_keys.name", name, kApiKeyNameMax);
}

std::optional<std::string> canonical_uuid(const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  std::string out = id;
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string contains_pattern(const std::string& term) {
  std::string out = "%";
  for (const char c : term) {
    if (c == '\\' || c == '%' || c == '_') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

std::string user_search_condition(const UserSearch& q, const std::string& placeholder,
                                  bool postgres) {
  auto one = [&](const char* column) {
    if (q.exact) return std::string(column) + " = " + placeholder;
    if (postgres) return std::string(column) + " ILIKE " + placeholder + " ESCAPE '\\'";
    return "gh_lower(" + std::string(column) + ") LIKE gh_lower(" + placeholder + ") ESCAPE '\\'";
  };
  switch (q.field) {
    case UserSearch::Field::kEmail:
      return one("email");
    case UserSearch::Field::kFirstName:
      return one("first_name");
    case UserSearch::Field::kLastName:
      return one("last_name");
    case UserSearch::Field::kAll:
      break;
  }
  return "(" + one("email") + " OR " + one("first_name") + " OR " + one("last_name") + ")";
}

namespace {

std::string typed(const std::string& placeholder, const char* type, bool postgres) {
  return postgres ? placeholder + "::" + type : placeholder;
}

}  // namespace

std::string token_cutoff_assignment(const std::string& at, bool postgres) {
  const std::string t = typed(at, "timestamptz", postgres);
  return "tokens_valid_after = CASE WHEN " + t + " IS NULL THEN tokens_valid_after " +
         "WHEN tokens_valid_after IS NULL OR tokens_valid_after < " + t + " THEN " + t +
         " ELSE tokens_valid_after END";
}

std::string password_assignments(const std::string& hash, const std::string& cut,
                                 const std::string& clear_lockout, bool postgres) {
  const std::string clear = typed(clear_lockout, "boolean", postgres);
  return "password = COALESCE(" + typed(hash, "text", postgres) + ", password), " +
         token_cutoff_assignment(cut, postgres) + ", failed_logins = CASE WHEN " + clear +
         " THEN 0 ELSE failed_logins END, locked_until = CASE WHEN " + clear +
         " THEN NULL ELSE locked_until END";
}

}  // namespace gatehouse::store
