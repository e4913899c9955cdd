#include "app/db_commands.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include "app/database_factory.hpp"

namespace gatehouse::app {

namespace {

constexpr const char* kDestroyWarning =
    "Warning! This deletes all data in the database. Are you sure?";

int fail(const Error& e) {
  std::fprintf(stderr, "gatehouse: %s\n", (e.cause.empty() ? e.public_message : e.cause).c_str());
  return 1;
}

}  // namespace

bool confirm(const char* question) {
  std::printf("%s [y/N]: ", question);
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

int db_upgrade(const config::Settings& settings) {
  auto db = make_database(settings.database);
  const auto before = db->schema_version();
  if (!before) return fail(before.error());
  if (Status s = db->migrate(); !s) return fail(s.error());
  const auto after = db->schema_version();
  if (!after) return fail(after.error());
  if (*after == *before) {
    std::printf("Database is already at schema version %d.\n", *after);
  } else {
    std::printf("Database upgraded from schema version %d to %d.\n", *before, *after);
  }
  return 0;
}

int db_init(const config::Settings& settings, bool force) {
  if (!force && !confirm(kDestroyWarning)) {
    std::printf("Operation Cancelled.\n");
    return 0;
  }
  std::printf("Initialising Database ... ");
  std::fflush(stdout);
  auto db = make_database(settings.database);
  if (Status s = db->drop_all(); !s) return fail(s.error());
  if (Status s = db->migrate(); !s) return fail(s.error());
  std::printf("Done!\n");
  return 0;
}

int db_drop(const config::Settings& settings, bool force) {
  if (!force && !confirm(kDestroyWarning)) {
    std::printf("Operation Cancelled.\n");
    return 0;
  }
  auto db = make_database(settings.database);
  if (Status s = db->drop_all(); !s) return fail(s.error());
  std::printf("Database dropped.\n");
  return 0;
}

}  // namespace gatehouse::app
