#include "api/user_json.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include "http/json_text.hpp"
#include "services/user_rules.hpp"

namespace gatehouse::api {

namespace {

namespace json = boost::json;

// Stored text need not be valid UTF-8 (imports, older rows); the body must be.
json::string text(std::string_view s) { return json::string(http::valid_utf8(s)); }

json::value time_or_null(const std::optional<store::Timestamp>& t) {
  if (!t) return nullptr;
  return json::string(store::format_iso8601(*t));
}

// The records as Boost.JSON sees them; members are emitted in insertion order, which is
// the order of the reference's models.
struct UserView {
  const store::User& user;
  store::Timestamp now;
};
struct MyUserView {
  const store::User& user;
};
struct SessionView {
  const store::Session& session;
  bool current;
};
struct ApiKeyView {
  const store::ApiKey& key;
};

void tag_invoke(json::value_from_tag, json::value& jv, const UserView& v) {
  const store::User& u = v.user;
  // A time-limited ban reads as over once its end has passed (docs/http-api.md §5).
  const bool banned = services::banned_at(u, v.now);
  const bool locked = u.locked_until && *u.locked_until > v.now;
  jv = {{"email", text(u.email)},
        {"id", u.id},
        {"first_name", text(u.first_name)},
        {"last_name", text(u.last_name)},
        {"role", text(u.role)},
        {"banned", banned},
        {"verified", u.verified},
        {"created_at", time_or_null(u.created_at)},
        {"updated_at", time_or_null(u.updated_at)},
        {"last_login_at", time_or_null(u.last_login_at)},
        {"mfa_enabled", u.mfa_enabled},
        {"locked_until", locked ? time_or_null(u.locked_until) : nullptr}};
}

void tag_invoke(json::value_from_tag, json::value& jv, const MyUserView& v) {
  jv = {{"email", text(v.user.email)},
        {"first_name", text(v.user.first_name)},
        {"last_name", text(v.user.last_name)}};
}

void tag_invoke(json::value_from_tag, json::value& jv, const SessionView& v) {
  const store::Session& s = v.session;
  jv = {{"id", text(s.id)},
        {"created_at", time_or_null(s.created_at)},
        {"last_used_at", time_or_null(s.last_used_at)},
        {"ip", text(s.ip)},
        {"user_agent", text(s.user_agent)},
        {"current", v.current}};
}

void tag_invoke(json::value_from_tag, json::value& jv, const ApiKeyView& v) {
  const store::ApiKey& k = v.key;
  json::value scopes = nullptr;
  if (k.scopes) {
    json::array& items = scopes.emplace_array();
    for (const std::string& scope : *k.scopes) items.emplace_back(text(scope));
  }
  jv = {{"id", text(k.id)},
        {"name", text(k.name)},
        {"created_at", time_or_null(k.created_at)},
        {"is_active", k.is_active},
        {"last_used_at", time_or_null(k.last_used_at)},
        {"scopes", std::move(scopes)},
        {"expires_at", time_or_null(k.expires_at)}};
}

}  // namespace

std::string user_json(const store::User& u, store::Timestamp now) {
  return json::serialize(json::value_from(UserView{u, now}));
}

std::string my_user_json(const store::User& u) {
  return json::serialize(json::value_from(MyUserView{u}));
}

std::string users_page_json(const services::UsersPage& page, store::Timestamp now) {
  json::array items;
  items.reserve(page.items.size());
  for (const store::User& u : page.items) items.push_back(json::value_from(UserView{u, now}));
  const std::int64_t pages = page.total == 0 ? 0 : (page.total + page.size - 1) / page.size;
  return json::serialize(json::object{{"items", std::move(items)},
                                      {"total", page.total},
                                      {"page", page.page},
                                      {"size", page.size},
                                      {"pages", pages}});
}

std::string session_json(const store::Session& s, bool current) {
  return json::serialize(json::value_from(SessionView{s, current}));
}

std::string api_key_json(const store::ApiKey& k) {
  return json::serialize(json::value_from(ApiKeyView{k}));
}

std::string api_keys_json(const std::vector<store::ApiKey>& keys) {
  json::array out;
  out.reserve(keys.size());
  for (const store::ApiKey& k : keys) out.push_back(json::value_from(ApiKeyView{k}));
  return json::serialize(out);
}

std::string api_key_created_json(const store::ApiKey& k, const std::string& raw_key) {
  json::value out = json::value_from(ApiKeyView{k});
  out.as_object().emplace("key", text(raw_key));  // appended: the last member
  return json::serialize(out);
}

}  // namespace gatehouse::api
