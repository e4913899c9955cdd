#pragma once
// `gatehouse db upgrade|init|drop`.
#include "config/settings.hpp"

namespace gatehouse::app {

int db_upgrade(const config::Settings& settings);
// Drops and recreates the schema; asks first unless `force`.
int db_init(const config::Settings& settings, bool force);
// Drops every table; asks first unless `force`.
int db_drop(const config::Settings& settings, bool force);

// Asks `question` on stdin; true only for an explicit yes.
bool confirm(const char* question);

}  // namespace gatehouse::app
