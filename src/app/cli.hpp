#pragma once
// The command line (docs/http-api.md §14). Exit codes: 0 success, 1 a user error (one line on
// stderr), 2 bad usage.
namespace gatehouse::app {

int run_cli(int argc, char** argv);

}  // namespace gatehouse::app
