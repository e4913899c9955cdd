#pragma once
// The one place that picks a storage backend from the settings.
#include "config/settings.hpp"
#include "store/database.hpp"

namespace gatehouse::app {

store::DatabasePtr make_database(const config::DatabaseSettings& settings);

}  // namespace gatehouse::app
