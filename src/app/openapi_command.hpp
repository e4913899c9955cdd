#pragma once
// `gatehouse openapi [--output FILE]`: the OpenAPI document a server with these settings
// serves at /openapi.json, without starting one.
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace gatehouse::app {

// Prints the document to stdout, or writes it to `output`. Exit code: 0, or 1 with one line
// on stderr.
int openapi_print(const config::Settings& settings, const std::optional<std::string>& output);

}  // namespace gatehouse::app
