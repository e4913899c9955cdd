#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "app/db_commands.hpp"
#include "app/serve.hpp"
#include "config/loader.hpp"
#include "observability/log.hpp"

namespace gatehouse::app {

namespace {

// Loads settings from the usual sources; prints every error and returns nullopt on failure.
std::optional<config::Settings> load_or_report() {
  config::LoadResult loaded = config::load_settings(config::process_environment(), ".env");
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "gatehouse: %s\n", e.c_str());
    return std::nullopt;
  }
  for (const auto& w : loaded.warnings) obs::startup(obs::Level::kWarning, w);
  return std::move(loaded.settings);
}

int config_check() {
  config::LoadResult loaded = config::load_settings(config::process_environment(), ".env");
  for (const auto& w : loaded.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (const auto& e : loaded.errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  if (!loaded.ok()) return 1;
  for (const auto& [name, value] : config::describe_settings(loaded.settings)) {
    std::printf("%s=%s\n", name.c_str(), value.c_str());
  }
  std::printf("Configuration is valid.\n");
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App cli{"Gatehouse: users, authentication and API keys", "gatehouse"};
  cli.set_version_flag("--version", "gatehouse " GATEHOUSE_VERSION);
  cli.require_subcommand(1);

  auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP server");
  std::optional<std::string> host;
  std::optional<int> port;
  serve_cmd->add_option("--host", host, "Address to listen on (HOST)");
  serve_cmd->add_option("--port", port, "Port to listen on (PORT)")->check(CLI::Range(0, 65535));

  auto* db_cmd = cli.add_subcommand("db", "Database schema management");
  db_cmd->require_subcommand(1);
  auto* db_upgrade_cmd = db_cmd->add_subcommand("upgrade", "Apply pending migrations");
  bool force = false;
  auto* db_init_cmd = db_cmd->add_subcommand("init", "Drop and recreate the schema");
  db_init_cmd->add_flag("-f,--force", force, "Do not ask for confirmation");
  auto* db_drop_cmd = db_cmd->add_subcommand("drop", "Drop every table");
  db_drop_cmd->add_flag("-f,--force", force, "Do not ask for confirmation");

  auto* config_cmd = cli.add_subcommand("config", "Configuration tools");
  config_cmd->require_subcommand(1);
  auto* config_check_cmd =
      config_cmd->add_subcommand("check", "Validate and print the settings (secrets masked)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return 2;
  }

  if (config_check_cmd->parsed()) return config_check();

  auto settings = load_or_report();
  if (!settings) return 1;
  if (serve_cmd->parsed()) {
    if (host) settings->server.host = *host;
    if (port) settings->server.port = *port;
    return serve(*settings);
  }
  if (db_upgrade_cmd->parsed()) return db_upgrade(*settings);
  if (db_init_cmd->parsed()) return db_init(*settings, force);
  if (db_drop_cmd->parsed()) return db_drop(*settings, force);
  return 2;
}

}  // namespace gatehouse::app
