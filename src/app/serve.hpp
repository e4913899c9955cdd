#pragma once
// `gatehouse serve`: builds settings -> stores -> services -> router -> server and runs
// until SIGTERM/SIGINT. Returns the process exit code.
#include "config/settings.hpp"

namespace gatehouse::app {

int serve(const config::Settings& settings);

}  // namespace gatehouse::app
