// settings_reference_markdown: the docs table, one row per declared setting.
#include "config/reference.hpp"

#include "config/setting_spec.hpp"

namespace gatehouse::config {

namespace {

// A table cell: '|' would end the cell.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string default_cell(const detail::SettingSpec& spec, const Settings& defaults) {
  if (!spec.default_text.empty()) return cell(spec.default_text);
  if (spec.display == detail::Display::kHidden) return "";
  const std::string value = detail::displayed_value(spec, defaults);
  return value.empty() ? "empty" : "`" + cell(value) + "`";
}

std::string row(const detail::SettingSpec& spec, const Settings& defaults) {
  std::string name = "`" + std::string(spec.name) + "`";
  if (spec.display == detail::Display::kSecret) name += " (secret)";
  if (spec.display == detail::Display::kUrlPassword) name += " (password masked)";
  return "| " + name + " | " + default_cell(spec, defaults) + " | " + cell(spec.accepts) + " | " +
         cell(spec.doc) + " |\n";
}

}  // namespace

std::string settings_reference_markdown() {
  const Settings defaults;
  std::string out;
  for (const detail::SettingGroup& group : detail::setting_groups()) {
    out += "\n### " + std::string(group.title) + "\n\n";
    out += "| variable | default | accepts | notes |\n| --- | --- | --- | --- |\n";
    for (const detail::SettingSpec& spec : group.settings) out += row(spec, defaults);
  }
  return out;
}

}  // namespace gatehouse::config
