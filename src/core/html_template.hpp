#pragma once
// A deliberately tiny template language: `{{ name }}` is replaced by the HTML-escaped value
// of `name` (empty when unknown). No logic in templates, so nothing to exploit.
#include <map>
#include <string>
#include <string_view>

namespace gatehouse {

std::string html_escape(std::string_view s);

std::string render_template(std::string_view text, const std::map<std::string, std::string>& vars);

// The same language with another way of inserting values (plain text, headers).
using ValueEncoder = std::string (*)(std::string_view);
std::string render_template_with(std::string_view text,
                                 const std::map<std::string, std::string>& vars,
                                 ValueEncoder encode);

}  // namespace gatehouse
