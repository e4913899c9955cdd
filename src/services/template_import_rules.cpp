#include "services/template_import_rules.hpp"

#include <algorithm>

#include "core/email_address.hpp"
#include "services/scopes.hpp"

namespace gatehouse::services {

RevisionCheck check_template_revision(const std::optional<std::vector<std::string>>& revisions) {
  RevisionCheck out;
  if (!revisions) {
    out.problem =
        "no alembic_version table: not a database made by the fastapi-template's migrations";
    return out;
  }
  if (revisions->size() != 1) {
    out.problem = "alembic_version holds " + std::to_string(revisions->size()) +
                  " revisions; expected one of " + std::string(kRevisionInitial) + ", " +
                  std::string(kRevisionApiKeys) + ", " + std::string(kRevisionLastUsed);
    return out;
  }
  const std::string& r = revisions->front();
  if (r == kRevisionInitial) {
    out.schema = TemplateSchema{r, false, false};
  } else if (r == kRevisionApiKeys) {
    out.schema = TemplateSchema{r, true, false};
  } else if (r == kRevisionLastUsed) {
    out.schema = TemplateSchema{r, true, true};
  } else {
    out.problem = "unknown alembic revision '" + r + "'; known: " + std::string(kRevisionInitial) +
                  ", " + std::string(kRevisionApiKeys) + ", " + std::string(kRevisionLastUsed);
  }
  return out;
}

ScopeMapping map_template_scopes(const std::optional<std::vector<std::string>>& scopes,
                                 bool owner_is_admin) {
  ScopeMapping out;
  if (!scopes) return out;
  out.scopes.emplace();
  for (const auto& s : *scopes) {
    const bool allowed = is_known_scope(s) && (owner_is_admin || s.rfind("admin:", 0) != 0);
    if (!allowed) {
      out.dropped.push_back(s);
    } else if (std::find(out.scopes->begin(), out.scopes->end(), s) == out.scopes->end()) {
      out.scopes->push_back(s);
    }
  }
  return out;
}

ImportedEmail normalize_imported_email(std::string_view email) {
  EmailCheck check = check_email(email);
  if (!check.normalized) return {std::nullopt, "not a valid email address: " + check.reason};
  return {std::move(check.normalized), {}};
}

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

RowVerdict judge_user(const store::ImportedUser& user,
                      const std::vector<store::StoredUserIdentity>& stored) {
  for (const auto& s : stored) {
    if (s.id != user.id) continue;
    if (s.email == user.email) return {RowState::kPresent, {}};
    return {RowState::kConflict,
            "id " + std::to_string(user.id) + " is already another user's here (" + s.email + ")"};
  }
  for (const auto& s : stored) {
    if (s.email == user.email) {
      return {RowState::kConflict, "the email is already user " + std::to_string(s.id) + "'s here"};
    }
  }
  return {RowState::kNew, {}};
}

RowVerdict judge_api_key(const store::ImportedApiKey& key,
                         const std::vector<store::StoredKeyIdentity>& stored) {
  for (const auto& s : stored) {
    if (s.id != key.id) continue;
    if (s.user_id != key.user_id) {
      return {RowState::kConflict,
              "the key id is already user " + std::to_string(s.user_id) + "'s key here"};
    }
    if (s.key_hash != key.key_hash) {
      return {RowState::kConflict, "the key id is already stored here with another key"};
    }
    return {RowState::kPresent, {}};
  }
  for (const auto& s : stored) {
    if (s.key_hash == key.key_hash) {
      return {RowState::kConflict, "the same key is already stored here as key " + s.id};
    }
  }
  return {RowState::kNew, {}};
}

}  // namespace gatehouse::services
