// describe_settings: the effective settings as rows for `gatehouse config check`.
#include <string>
#include <utility>
#include <vector>

#include "config/loader.hpp"
#include "config/setting_spec.hpp"

namespace gatehouse::config {

std::vector<std::pair<std::string, std::string>> describe_settings(const Settings& s) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const detail::SettingGroup& group : detail::setting_groups()) {
    for (const detail::SettingSpec& spec : group.settings) {
      if (spec.display == detail::Display::kHidden || !spec.value) continue;
      rows.emplace_back(spec.name, detail::displayed_value(spec, s));
    }
  }
  return rows;
}

}  // namespace gatehouse::config
