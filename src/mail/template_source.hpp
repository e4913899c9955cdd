#pragma once
// Where email templates come from: compiled into the binary (templates/email/*), or read
// from TEMPLATES_DIR when it is set — the same rule as api::Assets for the HTML pages.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::mail {

class TemplateSource {
 public:
  // `templates_dir`: TEMPLATES_DIR, empty for the embedded templates.
  explicit TemplateSource(std::string templates_dir);

  // Text of the template at `path` relative to the templates folder
  // ("email/welcome.html"), or nullopt when absent. Paths are the Composer's own constants;
  // anything with an empty, "." or ".." segment is refused anyway.
  std::optional<std::string> text(std::string_view path) const;

 private:
  std::string templates_dir_;
};

}  // namespace gatehouse::mail
