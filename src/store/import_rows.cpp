#include "store/import_rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "store/record_rules.hpp"
#include "store/string_list_json.hpp"

namespace gatehouse::store {

namespace {

// `s` failed for the row `id`: the cause names it (the public message stays kInvalidRecord).
Status for_row(Status s, const std::string& id) {
  if (s) return s;
  Error e = s.error();
  e.cause = "imported row " + id + ": " + e.cause;
  return e;
}

}  // namespace

Status check_imported_users(const std::vector<ImportedUser>& users) {
  for (const auto& u : users) {
    const NewUser as_new{u.email, u.password_hash, u.first_name, u.last_name,
                         u.role,  u.banned,        u.verified};
    if (auto s = for_row(check_new_user(as_new), std::to_string(u.id)); !s) return s;
  }
  return ok();
}

Status check_imported_api_keys(const std::vector<ImportedApiKey>& keys) {
  for (const auto& k : keys) {
    NewApiKey as_new;
    as_new.user_id = k.user_id;
    as_new.key_hash = k.key_hash;
    as_new.name = k.name;
    if (auto s = for_row(check_new_api_key(as_new), k.id); !s) return s;
  }
  return ok();
}

std::string users_json(const std::vector<ImportedUser>& users) {
  boost::json::array rows;
  rows.reserve(users.size());
  for (const auto& u : users) {
    rows.emplace_back(boost::json::object{{"id", u.id},
                                          {"email", u.email},
                                          {"password", u.password_hash},
                                          {"first_name", u.first_name},
                                          {"last_name", u.last_name},
                                          {"role", u.role},
                                          {"banned", u.banned},
                                          {"verified", u.verified}});
  }
  return boost::json::serialize(rows);
}

std::string api_keys_json(const std::vector<ImportedApiKey>& keys) {
  boost::json::array rows;
  rows.reserve(keys.size());
  for (const auto& k : keys) {
    boost::json::object row{{"id", k.id},
                            {"user_id", k.user_id},
                            {"key", k.key_hash},
                            {"name", k.name},
                            {"created_at", format_iso8601(k.created_at)},
                            {"is_active", k.is_active}};
    if (k.scopes) {
      boost::json::array scopes;
      for (const auto& s : *k.scopes) scopes.emplace_back(s);
      row["scopes"] = std::move(scopes);
    } else {
      row["scopes"] = nullptr;
    }
    if (k.last_used_at) {
      row["last_used_at"] = format_iso8601(*k.last_used_at);
    } else {
      row["last_used_at"] = nullptr;
    }
    rows.emplace_back(std::move(row));
  }
  return boost::json::serialize(rows);
}

std::string id_list_json(const std::vector<std::int64_t>& ids) {
  std::vector<std::string> text;
  text.reserve(ids.size());
  for (const auto id : ids) text.push_back(std::to_string(id));
  return encode_string_list(text);
}

}  // namespace gatehouse::store
