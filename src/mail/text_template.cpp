#include "mail/text_template.hpp"

#include "core/html_template.hpp"

namespace gatehouse::mail {

std::string single_line(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

std::string render_text_template(std::string_view text,
                                 const std::map<std::string, std::string>& vars) {
  return render_template_with(text, vars, single_line);
}

}  // namespace gatehouse::mail
