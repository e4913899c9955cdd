#include "mail/template_source.hpp"

#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>

#include "core/embedded_file.hpp"

namespace gatehouse {
std::span<const EmbeddedFile> embedded_templates();
}  // namespace gatehouse

namespace gatehouse::mail {

namespace {

bool plain_relative_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (true) {
    const auto slash = p.find('/', start);
    const auto part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::optional<std::string> read_regular_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TemplateSource::TemplateSource(std::string templates_dir)
    : templates_dir_(std::move(templates_dir)) {}

std::optional<std::string> TemplateSource::text(std::string_view path) const {
  if (!plain_relative_path(path)) return std::nullopt;
  if (!templates_dir_.empty()) {
    return read_regular_file(std::filesystem::path(templates_dir_) / std::string(path));
  }
  if (const EmbeddedFile* f = find_embedded(embedded_templates(), path)) {
    return std::string(f->data);
  }
  return std::nullopt;
}

}  // namespace gatehouse::mail
