#include "core/html_template.hpp"

namespace gatehouse {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string render_template_with(std::string_view text,
                                 const std::map<std::string, std::string>& vars,
                                 ValueEncoder encode) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (const auto it = vars.find(std::string(name)); it != vars.end()) {
      out += encode(it->second);
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

std::string render_template(std::string_view text, const std::map<std::string, std::string>& vars) {
  return render_template_with(text, vars, html_escape);
}

}  // namespace gatehouse
