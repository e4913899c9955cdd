#pragma once
// The settings reference of docs/configuration.md, rendered from the setting declarations
// so the documentation cannot fall behind the code (a unit test compares them).
#include <string>
#include <string_view>

namespace gatehouse::config {

// The lines between these markers in docs/configuration.md are generated.
inline constexpr std::string_view kReferenceBegin = "<!-- settings-table:begin -->";
inline constexpr std::string_view kReferenceEnd = "<!-- settings-table:end -->";

// One Markdown table per group of settings: variable, default, accepted values, notes.
std::string settings_reference_markdown();

}  // namespace gatehouse::config
