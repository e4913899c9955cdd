#pragma once
// The command line (API.md §8). Exit codes: 0 success, 1 a user error (one line on
// stderr), 2 bad usage.
namespace gatehouse::app {

int run_cli(int argc, char** argv);

}  // namespace gatehouse::app
