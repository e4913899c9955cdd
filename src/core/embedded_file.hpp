#pragma once
// A file compiled into the binary by cmake/EmbedFiles.cmake.
#include <span>
#include <string_view>

namespace gatehouse {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder, e.g. "css/site.css"
  std::string_view data;
};

// Finds `path` among `files`; empty optional-like result (data.data()==nullptr) when absent.
inline const EmbeddedFile* find_embedded(std::span<const EmbeddedFile> files,
                                         std::string_view path) {
  for (const auto& f : files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

}  // namespace gatehouse
