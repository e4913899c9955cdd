#pragma once
// HTML templates and static files: compiled into the binary, or read from TEMPLATES_DIR /
// STATIC_DIR when those are set, so the server runs from any working directory.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::api {

class Assets {
 public:
  Assets(std::string templates_dir, std::string static_dir);

  // Template text by name ("index.html"), or nullopt.
  std::optional<std::string> template_text(std::string_view name) const;

  // Static file bytes by relative path ("site.css"); nullopt when absent or when the path
  // tries to leave the static folder.
  std::optional<std::string> static_file(std::string_view path) const;

  // A file of the docs page's Swagger UI ("swagger-ui-bundle.js"), always compiled in.
  std::optional<std::string_view> docs_ui_file(std::string_view path) const;

  // True when files come from memory (no disk I/O: safe on an I/O thread).
  bool static_embedded() const { return static_dir_.empty(); }

 private:
  std::string templates_dir_;
  std::string static_dir_;
};

// Content type by file extension.
std::string_view content_type_for(std::string_view path);

}  // namespace gatehouse::api
