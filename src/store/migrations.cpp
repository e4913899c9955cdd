#include "store/migrations.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::store {

namespace {

constexpr std::string_view kSuffix = ".sql";
constexpr std::size_t kVersionDigits = 4;

bool parse_name(std::string_view path, Migration& out) {
  if (path.size() <= kVersionDigits + 1 + kSuffix.size() || !path.ends_with(kSuffix) ||
      path[kVersionDigits] != '_') {
    return false;
  }
  int version = 0;
  for (std::size_t i = 0; i < kVersionDigits; ++i) {
    if (path[i] < '0' || path[i] > '9') return false;
    version = version * 10 + (path[i] - '0');
  }
  if (version == 0) return false;
  out.version = version;
  out.name = std::string(
      path.substr(kVersionDigits + 1, path.size() - kVersionDigits - 1 - kSuffix.size()));
  return true;
}

// The identifier after `keyword` (case-insensitive) at each occurrence in `sql`, in order.
void names_after(std::string_view sql, std::string_view keyword, std::vector<std::string>& out) {
  std::string upper(sql);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  constexpr std::string_view kIfNotExists = "IF NOT EXISTS ";
  for (std::size_t at = upper.find(keyword); at != std::string::npos;
       at = upper.find(keyword, at + 1)) {
    std::size_t pos = at + keyword.size();
    if (std::string_view(upper).substr(pos).starts_with(kIfNotExists)) pos += kIfNotExists.size();
    std::size_t end = pos;
    while (end < sql.size() &&
           (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) {
      ++end;
    }
    if (end > pos) out.emplace_back(sql.substr(pos, end - pos));
  }
}

struct ExtensionFiles {
  EmbeddedFiles sqlite;
  EmbeddedFiles postgres;
};

std::vector<ExtensionFiles>& extension_files() {
  static std::vector<ExtensionFiles> files;
  return files;
}

}  // namespace

void add_extension_migrations(EmbeddedFiles sqlite, EmbeddedFiles postgres) {
  extension_files().push_back({sqlite, postgres});
}

CreatedObjects created_objects(const std::vector<Migration>& migrations) {
  CreatedObjects out;
  for (const Migration& m : migrations) {
    names_after(m.sql, "CREATE TABLE ", out.tables);
    names_after(m.sql, "CREATE TYPE ", out.types);
  }
  std::reverse(out.tables.begin(), out.tables.end());
  std::reverse(out.types.begin(), out.types.end());
  return out;
}

Result<std::vector<Migration>> load_migrations(std::span<const EmbeddedFile> files) {
  std::vector<Migration> out;
  out.reserve(files.size());
  for (const auto& file : files) {
    Migration m;
    if (!parse_name(file.path, m)) {
      return Error::internal("migration file name is not NNNN_name.sql: " + std::string(file.path));
    }
    m.sql = file.data;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return Error::internal("two migrations share version " + std::to_string(out[i].version));
    }
  }
  return out;
}

Result<std::vector<Migration>> load_all_migrations(std::span<const EmbeddedFile> core,
                                                   MigrationBackend backend) {
  std::vector<EmbeddedFile> files(core.begin(), core.end());
  for (const ExtensionFiles& e : extension_files()) {
    auto own = load_migrations(backend == MigrationBackend::kSqlite ? e.sqlite() : e.postgres());
    if (!own) return own.error();
    for (const Migration& m : *own) {
      if (m.version < kFirstExtensionVersion) {
        return Error::internal("an extension's migration is numbered below " +
                               std::to_string(kFirstExtensionVersion) + ": " + m.name);
      }
    }
    const auto more = backend == MigrationBackend::kSqlite ? e.sqlite() : e.postgres();
    files.insert(files.end(), more.begin(), more.end());
  }
  return load_migrations(files);
}

}  // namespace gatehouse::store
