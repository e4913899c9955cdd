// The non-template parts of the setting declarations, and the list of every group.
#include "config/setting_spec.hpp"

#include "config/loader.hpp"
#include "config/sections.hpp"

namespace gatehouse::config::detail {

std::string displayed_value(const SettingSpec& spec, const Settings& s) {
  std::string value = spec.value ? spec.value(s) : std::string();
  switch (spec.display) {
    case Display::kSecret:
      return value.empty() ? "" : "****";
    case Display::kUrlPassword:
      return mask_url_password(value);
    case Display::kPlain:
    case Display::kHidden:
      break;
  }
  return value;
}

const std::vector<SettingGroup>& setting_groups() {
  // Loading follows this order: general first (ENVIRONMENT and DATA_DIR steer the rest).
  static const std::vector<SettingGroup> kGroups{
      general_group(), server_group(),      auth_group(),     database_group(),
      cors_group(),    log_group(),         mail_group(),     webhooks_group(),
      redis_group(),   admin_pages_group(), metadata_group(), ignored_group()};
  return kGroups;
}

std::string to_text(const std::string& v) { return v; }
std::string to_text(bool v) { return v ? "true" : "false"; }
std::string to_text(int v) { return std::to_string(v); }
std::string to_text(std::uint64_t v) { return std::to_string(v); }
std::string to_text(Environment v) { return environment_name(v); }

std::string to_text(const std::vector<std::string>& v) {
  std::string joined;
  for (const std::string& item : v) {
    if (!joined.empty()) joined += ',';
    joined += item;
  }
  return joined;
}

void read_choice(VariableReader& r, std::string_view name, LetterCase letter_case,
                 const std::vector<std::string_view>& choices, std::string& out) {
  if (!r.has_value(name)) return;
  const std::string raw = *r.find(name);
  const std::string value =
      letter_case == LetterCase::kUpper ? to_upper(trim(raw)) : to_lower(trim(raw));
  for (std::string_view c : choices) {
    if (value == c) {
      out = value;
      return;
    }
  }
  std::string list;
  for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  r.invalid(name, "must be one of " + list, raw);
}

void not_empty(VariableReader& r, std::string_view name, const std::string& value) {
  if (value.empty()) r.error(std::string(name) + ": must not be empty");
}

void parse_nonempty(VariableReader&, std::string_view, const std::string& raw, std::string& out) {
  if (!raw.empty()) out = raw;
}

SettingSpec documented_only(std::string_view name, std::string_view doc, std::string default_text) {
  SettingSpec spec{name, doc};
  spec.default_text = std::move(default_text);
  spec.display = Display::kHidden;
  return spec;
}

}  // namespace gatehouse::config::detail
