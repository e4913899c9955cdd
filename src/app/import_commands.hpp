#pragma once
// `gatehouse import fastapi-template POSTGRESQL_URL [--dry-run]`
// (docs/import-from-fastapi-template.md): users and API keys copied from a database of the
// Python template. Exit 0 when every row is here afterwards (imported or already present);
// 3 when it finished but conflicts were left out; 1 with a one-line "-> ERROR ..." on stderr
// when the source is unusable or a write failed.
#include <string>

#include "config/settings.hpp"

namespace gatehouse::app {

struct ImportArgs {
  std::string source_url;  // contains the password: never printed as is
  bool dry_run = false;
};

inline constexpr int kImportExitConflicts = 3;

int import_fastapi_template(const config::Settings& s, const ImportArgs& args);

}  // namespace gatehouse::app
