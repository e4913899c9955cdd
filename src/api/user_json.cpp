#include "api/user_json.hpp"

#include "http/json_text.hpp"
#include "services/user_rules.hpp"

namespace gatehouse::api {

namespace {

using http::json_string;

std::string time_or_null(const std::optional<store::Timestamp>& t) {
  return t ? json_string(store::format_iso8601(*t)) : "null";
}

}  // namespace

std::string user_json(const store::User& u, store::Timestamp now) {
  // A time-limited ban reads as over once its end has passed (docs/http-api.md §5).
  const bool banned = services::banned_at(u, now);
  const bool locked = u.locked_until && *u.locked_until > now;
  std::string out = "{\"email\":" + json_string(u.email) + ",\"id\":" + std::to_string(u.id) +
                    ",\"first_name\":" + json_string(u.first_name) +
                    ",\"last_name\":" + json_string(u.last_name) +
                    ",\"role\":" + json_string(u.role) +
                    ",\"banned\":" + (banned ? "true" : "false") +
                    ",\"verified\":" + (u.verified ? "true" : "false") +
                    ",\"created_at\":" + time_or_null(u.created_at) +
                    ",\"updated_at\":" + time_or_null(u.updated_at) +
                    ",\"last_login_at\":" + time_or_null(u.last_login_at) +
                    ",\"mfa_enabled\":" + (u.mfa_enabled ? "true" : "false") +
                    ",\"locked_until\":" + (locked ? time_or_null(u.locked_until) : "null") + "}";
  return out;
}

std::string my_user_json(const store::User& u) {
  return "{\"email\":" + json_string(u.email) + ",\"first_name\":" + json_string(u.first_name) +
         ",\"last_name\":" + json_string(u.last_name) + "}";
}

std::string users_page_json(const services::UsersPage& page, store::Timestamp now) {
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i) out += ',';
    out += user_json(page.items[i], now);
  }
  const std::int64_t pages = page.total == 0 ? 0 : (page.total + page.size - 1) / page.size;
  out += "],\"total\":" + std::to_string(page.total) + ",\"page\":" + std::to_string(page.page) +
         ",\"size\":" + std::to_string(page.size) + ",\"pages\":" + std::to_string(pages) + "}";
  return out;
}

std::string session_json(const store::Session& s, bool current) {
  return "{\"id\":" + json_string(s.id) +
         ",\"created_at\":" + json_string(store::format_iso8601(s.created_at)) +
         ",\"last_used_at\":" + json_string(store::format_iso8601(s.last_used_at)) +
         ",\"ip\":" + json_string(s.ip) + ",\"user_agent\":" + json_string(s.user_agent) +
         ",\"current\":" + (current ? "true" : "false") + "}";
}

namespace {

std::string api_key_fields(const store::ApiKey& k) {
  std::string scopes = "null";
  if (k.scopes) {
    scopes = "[";
    for (std::size_t i = 0; i < k.scopes->size(); ++i) {
      if (i) scopes += ',';
      scopes += json_string((*k.scopes)[i]);
    }
    scopes += ']';
  }
  return "{\"id\":" + json_string(k.id) + ",\"name\":" + json_string(k.name) +
         ",\"created_at\":" + time_or_null(k.created_at) +
         ",\"is_active\":" + (k.is_active ? "true" : "false") +
         ",\"last_used_at\":" + time_or_null(k.last_used_at) + ",\"scopes\":" + scopes +
         ",\"expires_at\":" + time_or_null(k.expires_at);
}

}  // namespace

std::string api_key_json(const store::ApiKey& k) { return api_key_fields(k) + "}"; }

std::string api_keys_json(const std::vector<store::ApiKey>& keys) {
  std::string out = "[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    out += api_key_json(keys[i]);
  }
  return out + "]";
}

std::string api_key_created_json(const store::ApiKey& k, const std::string& raw_key) {
  return api_key_fields(k) + ",\"key\":" + json_string(raw_key) + "}";
}

}  // namespace gatehouse::api
