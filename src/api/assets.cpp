#include "api/assets.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/embedded_file.hpp"

namespace gatehouse {
std::span<const EmbeddedFile> embedded_templates();
std::span<const EmbeddedFile> embedded_static();
std::span<const EmbeddedFile> embedded_docs_ui();
}  // namespace gatehouse

namespace gatehouse::api {

namespace {

bool safe_relative_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string_view::npos) return false;
  if (p.find('\0') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    const auto slash = p.find('/', start);
    const auto part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

std::optional<std::string> read_file(const std::string& path) {
  std::error_code ec;
  // std::ifstream happily opens a directory; only regular files are assets.
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> lookup(std::span<const EmbeddedFile> files, const std::string& dir,
                                  std::string_view name) {
  if (!safe_relative_path(name)) return std::nullopt;
  if (!dir.empty()) return read_file(dir + "/" + std::string(name));
  if (const EmbeddedFile* f = find_embedded(files, name)) return std::string(f->data);
  return std::nullopt;
}

}  // namespace

Assets::Assets(std::string templates_dir, std::string static_dir)
    : templates_dir_(std::move(templates_dir)), static_dir_(std::move(static_dir)) {}

std::optional<std::string> Assets::template_text(std::string_view name) const {
  return lookup(embedded_templates(), templates_dir_, name);
}

std::optional<std::string> Assets::static_file(std::string_view path) const {
  return lookup(embedded_static(), static_dir_, path);
}

std::optional<std::string_view> Assets::docs_ui_file(std::string_view path) const {
  if (const EmbeddedFile* f = find_embedded(embedded_docs_ui(), path)) return f->data;
  return std::nullopt;
}

std::string_view content_type_for(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "png") return "image/png";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "ico") return "image/vnd.microsoft.icon";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace gatehouse::api
