#pragma once
// The `{{ name }}` language of core/html_template.hpp for plain text: values are inserted
// as they are (a text/plain part is never interpreted as HTML, so escaping would only show
// "&lt;" to the reader), except that control characters (CR, LF, TAB, ...) become spaces so
// a value cannot add lines. Used for text parts and subjects.
#include <map>
#include <string>
#include <string_view>

namespace gatehouse::mail {

std::string render_text_template(std::string_view text,
                                 const std::map<std::string, std::string>& vars);

// `s` with every ASCII control character (and DEL) replaced by a space.
std::string single_line(std::string_view s);

}  // namespace gatehouse::mail
