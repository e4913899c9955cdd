// Gatehouse entry point: everything happens in the CLI (app/cli.cpp).
#include "app/cli.hpp"

int main(int argc, char** argv) { return gatehouse::app::run_cli(argc, argv); }
