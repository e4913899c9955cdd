#include "app/api_key_commands.hpp"

#include <cstdio>
#include <vector>

#include "app/user_commands.hpp"

namespace gatehouse::app {

namespace {

int fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "-> ERROR %s : %s\n", what, detail.c_str());
  return 1;
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// "a, b" -> {"a", "b"}; empty items are dropped, so "" is an empty list (a key that may
// call no protected route).
std::vector<std::string> split_scopes(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto end = comma == std::string::npos ? list.size() : comma;
    if (auto item = trimmed(list.substr(start, end - start)); !item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// A key's scopes as the CLI shows them: "all" for null (the user's full rights), "none"
// for an empty list.
std::string scopes_text(const std::optional<std::vector<std::string>>& scopes) {
  if (!scopes) return "all";
  return scopes->empty() ? "none" : join(*scopes);
}

std::string time_or(const std::optional<store::Timestamp>& t, const char* none) {
  return t ? store::format_iso8601(*t) : none;
}

}  // namespace

int apikey_create(const config::Settings& s, const CreateApiKeyArgs& args) {
  constexpr const char* kWhat = "creating API key";
  services::NewKeyInput in;
  in.name = trimmed(args.name);
  if (args.scopes) in.scopes = split_scopes(*args.scopes);
  if (args.expires) {
    in.expires_at = store::parse_iso8601(*args.expires);
    if (!in.expires_at) {
      return fail(kWhat, "--expires must be an ISO-8601 date and time with a time zone");
    }
  }
  auto c = open_components(s);
  if (!c) return 1;
  auto owner = c->users->get(args.user_id);
  if (!owner) return fail(kWhat, owner.error().public_message);
  auto created = c->api_keys->create(*owner, in);
  if (!created) return fail(kWhat, created.error().public_message);
  const auto& k = created->key;
  std::printf("-> API key %s (\"%s\", scopes %s, expires %s) created for User %lld.\n",
              k.id.c_str(), k.name.c_str(), scopes_text(k.scopes).c_str(),
              time_or(k.expires_at, "never").c_str(), static_cast<long long>(owner->id));
  std::printf("-> Store this key now; it is not shown again:\n%s\n", created->raw.c_str());
  return 0;
}

int apikey_list(const config::Settings& s, std::int64_t user_id) {
  constexpr const char* kWhat = "listing API keys";
  auto c = open_components(s);
  if (!c) return 1;
  if (auto owner = c->users->get(user_id); !owner) return fail(kWhat, owner.error().public_message);
  auto keys = c->api_keys->list(user_id);
  if (!keys) return fail(kWhat, keys.error().public_message);
  if (keys->empty()) {
    std::printf("-> User %lld has no API keys\n", static_cast<long long>(user_id));
    return 0;
  }
  std::printf("%-36s %-20s %-6s %-27s %-27s %-27s %s\n", "Id", "Name", "Active", "Created",
              "Last used", "Expires", "Scopes");
  for (const auto& k : *keys) {
    std::printf("%-36s %-20s %-6s %-27s %-27s %-27s %s\n", k.id.c_str(), k.name.c_str(),
                k.is_active ? "True" : "False", store::format_iso8601(k.created_at).c_str(),
                time_or(k.last_used_at, "never").c_str(), time_or(k.expires_at, "never").c_str(),
                scopes_text(k.scopes).c_str());
  }
  return 0;
}

int apikey_revoke(const config::Settings& s, const std::string& key_id) {
  auto c = open_components(s);
  if (!c) return 1;
  if (Status st = c->api_keys->revoke(key_id); !st) {
    return fail("revoking API key", st.error().public_message);
  }
  std::printf("-> API key %s revoked.\n", key_id.c_str());
  return 0;
}

}  // namespace gatehouse::app
