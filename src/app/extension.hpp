#pragma once
// Extensions: resources built on Gatehouse outside src/ (docs/extending.md; examples/notes
// is one). An extension declares itself once, in one of its files:
//
//   GATEHOUSE_EXTENSION(notes, {
//       .scopes = {"notes:read", "notes:write"},
//       .sqlite_migrations = embedded_notes_sqlite_migrations,
//       .postgres_migrations = embedded_notes_postgres_migrations,
//       .routes = register_notes_routes});
//
// and is part of a binary when that file is linked into it (gatehouse_add_extension() in
// CMake): its scopes join the API-key vocabulary, its migrations run with the core's (versions
// from store::kFirstExtensionVersion), and its routes are registered after the core's.
#include <initializer_list>
#include <string_view>
#include <utility>

#include "api/routes.hpp"
#include "store/migrations.hpp"

namespace gatehouse::app {

struct Extension {
  std::initializer_list<std::string_view> scopes;  // e.g. "notes:read"; never admin:*
  store::EmbeddedFiles sqlite_migrations = nullptr;
  store::EmbeddedFiles postgres_migrations = nullptr;
  api::RouteRegistrar routes = nullptr;
  // components/schemas of its answers: {name, JSON Schema object text}.
  std::initializer_list<std::pair<std::string_view, std::string_view>> schemas;
};

// Adds `extension` to the scope vocabulary, the migrations and the routes. Returns true, so a
// namespace-scope constant can call it at static initialisation. A scope that is not
// resource:action in lower case, an admin:* scope or one already known aborts the program with
// a message: a packaging bug. Migration versions below store::kFirstExtensionVersion are
// refused when the database opens (store::load_all_migrations).
bool add_extension(const Extension& extension);

}  // namespace gatehouse::app

#define GATEHOUSE_EXTENSION(name, ...)                                          \
  namespace {                                                                   \
  [[maybe_unused]] const bool gatehouse_extension_##name =                      \
      ::gatehouse::app::add_extension(::gatehouse::app::Extension __VA_ARGS__); \
  }
