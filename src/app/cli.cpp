#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "app/api_key_commands.hpp"
#include "app/audit_commands.hpp"
#include "app/db_commands.hpp"
#include "app/import_commands.hpp"
#include "app/openapi_command.hpp"
#include "app/seed_commands.hpp"
#include "app/serve.hpp"
#include "app/user_commands.hpp"
#include "config/loader.hpp"
#include "core/request_origin.hpp"
#include "observability/log.hpp"

namespace gatehouse::app {

namespace {

// Loads settings from the usual sources; prints every error and returns nullopt on failure.
// Warnings (Redis without a password, the development SECRET_KEY, ...) are about running the
// server: `serve` logs them and `config check` prints them; any other command prints only what
// it is for (a user error is one line on stderr).
std::optional<config::Settings> load_or_report(bool log_warnings) {
  config::LoadResult loaded = config::load_settings(config::process_environment(), ".env");
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "gatehouse: %s\n", e.c_str());
    return std::nullopt;
  }
  if (log_warnings) {
    for (const auto& w : loaded.warnings) obs::startup(obs::Level::kWarning, w);
  }
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
  PopulateArgs populate_args;
  auto* db_populate_cmd = db_cmd->add_subcommand("populate", "Add random verified test users");
  db_populate_cmd->add_option("-c,--count", populate_args.count, "Number of users to create")
      ->capture_default_str();
  db_populate_cmd->add_flag("--force-weak", populate_args.force_weak,
                            "Create them even if the password policy rejects their password");
  SeedArgs seed_args;
  auto* db_seed_cmd = db_cmd->add_subcommand("seed", "Add verified users from a CSV file");
  db_seed_cmd
      ->add_option("file", seed_args.file,
                   "CSV with columns email, password, first_name, last_name[, role]")
      ->capture_default_str();
  db_seed_cmd->add_flag("-f,--force", seed_args.force, "Do not ask for confirmation");
  db_seed_cmd->add_flag("--force-weak", seed_args.force_weak,
                        "Skip the password policy (test data only)");

  auto* user_cmd = cli.add_subcommand("user", "Manage users");
  user_cmd->require_subcommand(1);
  CreateUserArgs create_args;
  std::string password_arg;
  auto* user_create_cmd = user_cmd->add_subcommand("create", "Add a verified user");
  user_create_cmd->add_option("-e,--email", create_args.email, "Email")->required();
  user_create_cmd->add_option("-f,--first_name", create_args.first_name, "First name")->required();
  user_create_cmd->add_option("-l,--last_name", create_args.last_name, "Last name")->required();
  auto* password_opt =
      user_create_cmd->add_option("-p,--password", password_arg, "Password (prompted if absent)");
  user_create_cmd->add_flag("-a,--admin", create_args.admin, "Make the user an admin");
  user_create_cmd->add_flag("--force-weak", create_args.force_weak,
                            "Skip the password policy (test data only)");
  std::int64_t user_id = 0;
  auto* user_list_cmd = user_cmd->add_subcommand("list", "List users");
  ListUsersArgs list_args;
  user_list_cmd->add_option("--page", list_args.page, "Print only this page (from 1)")
      ->check(CLI::PositiveNumber);
  user_list_cmd->add_option("--size", list_args.size, "Users per page")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  auto* user_show_cmd = user_cmd->add_subcommand("show", "Show one user");
  user_show_cmd->add_option("id", user_id)->required();
  auto* user_verify_cmd = user_cmd->add_subcommand("verify", "Mark a user verified");
  user_verify_cmd->add_option("id", user_id)->required();
  auto* user_mfa_reset_cmd = user_cmd->add_subcommand(
      "mfa-reset", "Turn a user's two-factor authentication off (lost device)");
  user_mfa_reset_cmd->add_option("id", user_id)->required();
  bool unban = false;
  auto* user_ban_cmd = user_cmd->add_subcommand("ban", "Ban (or --unban) a user");
  user_ban_cmd->add_option("id", user_id)->required();
  user_ban_cmd->add_flag("-u,--unban", unban, "Lift the ban");
  bool remove_admin = false;
  auto* user_admin_cmd = user_cmd->add_subcommand("admin", "Grant (or --remove) admin");
  user_admin_cmd->add_option("id", user_id)->required();
  user_admin_cmd->add_flag("-r,--remove", remove_admin, "Remove admin status");
  auto* user_delete_cmd = user_cmd->add_subcommand("delete", "Delete a user");
  user_delete_cmd->add_option("id", user_id)->required();
  std::string term;
  std::string field = "all";
  bool exact = false;
  auto* user_search_cmd = user_cmd->add_subcommand("search", "Search users");
  user_search_cmd->add_option("term", term)->required();
  user_search_cmd->add_option("-f,--field", field)
      ->check(CLI::IsMember({"all", "email", "first_name", "last_name"}));
  user_search_cmd->add_flag("-e,--exact", exact);

  auto* apikey_cmd = cli.add_subcommand("apikey", "Manage API keys");
  apikey_cmd->require_subcommand(1);
  CreateApiKeyArgs apikey_args;
  std::string apikey_scopes;
  std::string apikey_expires;
  auto* apikey_create_cmd = apikey_cmd->add_subcommand("create", "Create a key; prints it once");
  apikey_create_cmd->add_option("--user", apikey_args.user_id, "Id of the key's user")->required();
  apikey_create_cmd->add_option("--name", apikey_args.name, "Name of the key (1-50 characters)")
      ->required();
  auto* scopes_opt = apikey_create_cmd->add_option(
      "--scopes", apikey_scopes, "Comma list of scopes (default: the user's full rights)");
  auto* expires_opt = apikey_create_cmd->add_option(
      "--expires", apikey_expires, "Expiry, ISO-8601 with a time zone (default: never)");
  auto* apikey_list_cmd = apikey_cmd->add_subcommand("list", "List a user's keys");
  apikey_list_cmd->add_option("--user", apikey_args.user_id, "Id of the user")->required();
  std::string apikey_id;
  auto* apikey_revoke_cmd = apikey_cmd->add_subcommand("revoke", "Delete a key");
  apikey_revoke_cmd->add_option("key_id", apikey_id, "Id of the key")->required();

  auto* audit_cmd = cli.add_subcommand("audit", "Read the audit log");
  audit_cmd->require_subcommand(1);
  AuditListArgs audit_args;
  auto* audit_list_cmd = audit_cmd->add_subcommand("list", "Events matching filters, newest first");
  audit_list_cmd->add_option("--user", audit_args.user_id, "Events by or about this user id");
  audit_list_cmd->add_option("--action", audit_args.action, "One action name, e.g. user.login");
  audit_list_cmd->add_option("--since", audit_args.since, "At or after (ISO-8601, time zone)");
  audit_list_cmd->add_option("--until", audit_args.until, "At or before (ISO-8601, time zone)");
  audit_list_cmd->add_option("--limit", audit_args.limit, "At most this many (default 50)")
      ->check(CLI::Range(1, 10000));
  auto* audit_tail_cmd = audit_cmd->add_subcommand("tail", "The latest events, oldest first");
  int tail_limit = 20;
  bool follow = false;
  audit_tail_cmd->add_option("-n,--limit", tail_limit, "How many to show first (default 20)")
      ->check(CLI::Range(1, 10000));
  audit_tail_cmd->add_flag("-f,--follow", follow, "Then print new events as they come");

  auto* webhooks_cmd = cli.add_subcommand("webhooks", "Webhook deliveries");
  webhooks_cmd->require_subcommand(1);
  bool failed_only = false;
  int webhooks_limit = 50;
  auto* webhooks_list_cmd = webhooks_cmd->add_subcommand("list", "Deliveries, newest first");
  webhooks_list_cmd->add_flag("--failed", failed_only, "Only those given up on");
  webhooks_list_cmd->add_option("--limit", webhooks_limit, "At most this many (default 50)")
      ->check(CLI::Range(1, 10000));
  std::int64_t delivery_id = 0;
  auto* webhooks_retry_cmd =
      webhooks_cmd->add_subcommand("retry", "Queue a delivery given up on again");
  webhooks_retry_cmd->add_option("id", delivery_id, "Id of the delivery")->required();

  auto* import_cmd = cli.add_subcommand("import", "Copy data from another system");
  import_cmd->require_subcommand(1);
  ImportArgs import_args;
  auto* import_template_cmd = import_cmd->add_subcommand(
      "fastapi-template", "Copy users and API keys from a fastapi-template PostgreSQL database");
  import_template_cmd
      ->add_option("url", import_args.source_url, "PostgreSQL URL of the template's database")
      ->required();
  import_template_cmd->add_flag("--dry-run", import_args.dry_run,
                                "Report what would be copied; write nothing");

  auto* keys_cmd = cli.add_subcommand("keys", "Generate secrets");
  bool secret_flag = false;
  bool write_env = false;
  keys_cmd->add_flag("-s,--secret", secret_flag, "A new random SECRET_KEY")->required();
  keys_cmd->add_flag("--write-env", write_env, "Write it into ./.env");

  auto* openapi_cmd =
      cli.add_subcommand("openapi", "Print the OpenAPI document (as served at /openapi.json)");
  std::string openapi_output;
  auto* openapi_output_opt =
      openapi_cmd->add_option("-o,--output", openapi_output, "Write it to this file");

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
  if (keys_cmd->parsed()) return keys_secret(write_env);

  auto settings = load_or_report(serve_cmd->parsed());
  if (!settings) return 1;
  if (serve_cmd->parsed()) {
    if (host) settings->server.host = *host;
    if (port) settings->server.port = *port;
    return serve(*settings);
  }
  // Everything below acts as the operator: audit events name the CLI as their origin.
  RequestOrigin cli_origin{.user_agent = "gatehouse-cli"};
  const OriginScope origin_scope(cli_origin);
  if (openapi_cmd->parsed()) {
    return openapi_print(*settings, openapi_output_opt->count() > 0
                                        ? std::optional<std::string>(openapi_output)
                                        : std::nullopt);
  }
  if (db_upgrade_cmd->parsed()) return db_upgrade(*settings);
  if (db_init_cmd->parsed()) return db_init(*settings, force);
  if (db_drop_cmd->parsed()) return db_drop(*settings, force);
  if (db_populate_cmd->parsed()) return db_populate(*settings, populate_args);
  if (db_seed_cmd->parsed()) return db_seed(*settings, seed_args);
  if (user_create_cmd->parsed()) {
    if (password_opt->count() > 0) create_args.password = password_arg;
    return user_create(*settings, create_args);
  }
  if (user_list_cmd->parsed()) return user_list(*settings, list_args);
  if (user_show_cmd->parsed()) return user_show(*settings, user_id);
  if (user_verify_cmd->parsed()) return user_verify(*settings, user_id);
  if (user_mfa_reset_cmd->parsed()) return user_mfa_reset(*settings, user_id);
  if (user_ban_cmd->parsed()) return user_ban(*settings, user_id, unban);
  if (user_admin_cmd->parsed()) return user_admin(*settings, user_id, remove_admin);
  if (user_delete_cmd->parsed()) return user_delete(*settings, user_id);
  if (user_search_cmd->parsed()) return user_search(*settings, term, field, exact);
  if (apikey_create_cmd->parsed()) {
    if (scopes_opt->count() > 0) apikey_args.scopes = apikey_scopes;
    if (expires_opt->count() > 0) apikey_args.expires = apikey_expires;
    return apikey_create(*settings, apikey_args);
  }
  if (apikey_list_cmd->parsed()) return apikey_list(*settings, apikey_args.user_id);
  if (apikey_revoke_cmd->parsed()) return apikey_revoke(*settings, apikey_id);
  if (audit_list_cmd->parsed()) return audit_list(*settings, audit_args);
  if (audit_tail_cmd->parsed()) return audit_tail(*settings, tail_limit, follow);
  if (webhooks_list_cmd->parsed()) return webhooks_list(*settings, failed_only, webhooks_limit);
  if (webhooks_retry_cmd->parsed()) return webhooks_retry(*settings, delivery_id);
  if (import_template_cmd->parsed()) return import_fastapi_template(*settings, import_args);
  return 2;
}

}  // namespace gatehouse::app
