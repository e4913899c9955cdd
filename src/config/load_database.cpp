// Declarations of the database settings: DATABASE_URL, or the reference's DB_* variables.
#include <filesystem>
#include <string_view>

#include "config/sections.hpp"
#include "config/text.hpp"
#include "config/urls.hpp"

namespace gatehouse::config::detail {

namespace {

// The reference's defaults of the DB_* variables (user and password must be changed).
constexpr std::string_view kDbDefault = "CHANGE_ME_IN_ENV_FILE";
constexpr std::string_view kDbDefaultAddress = "localhost";
constexpr std::string_view kDbDefaultName = "api-template";
constexpr int kDbDefaultPort = 5432;
// The reference's DB_PASSWORD validator: exact, case-sensitive matches.
constexpr std::string_view kReferenceWeakPasswords[] = {
    "CHANGE_ME_IN_ENV_FILE", "Sup3rS3cr3tP455w0rd", "CHANGE_ME", "password", "admin"};
// Refused in production, case-insensitively (an empty password too).
constexpr std::string_view kProductionWeakPasswords[] = {
    "CHANGE_ME_IN_ENV_FILE", "Sup3rS3cr3tP455w0rd", "CHANGE_ME", "password", "admin", "postgres"};
constexpr std::string_view kDbVariables[] = {"DB_USER", "DB_PASSWORD", "DB_ADDRESS", "DB_NAME",
                                             "DB_PORT"};

bool reference_rejects(std::string_view password) {
  if (trim(password).empty()) return true;
  for (std::string_view weak : kReferenceWeakPasswords) {
    if (password == weak) return true;
  }
  return false;
}

bool production_rejects(std::string_view password) {
  if (trim(password).empty()) return true;
  for (std::string_view weak : kProductionWeakPasswords) {
    if (iequals(password, weak)) return true;
  }
  return false;
}

void load_database_url(VariableReader& r, Settings& s) {
  DatabaseUrl url = parse_database_url(*r.find("DATABASE_URL"));
  if (!url.error.empty()) {
    r.error(std::move(url.error));
    return;
  }
  s.database.backend = url.backend;
  s.database.url = std::move(url.url);
  s.database.sqlite_path = std::move(url.sqlite_path);
  // A URL without any password (peer, certificate or .pgpass authentication) is fine.
  if (s.is_production() && url.password && production_rejects(*url.password)) {
    r.error(
        "DATABASE_URL: the database password is empty or a well-known default; set a strong "
        "password before production use");
  }
}

// postgresql://{DB_USER}:{DB_PASSWORD}@{DB_ADDRESS}:{DB_PORT}/{DB_NAME}, as the reference.
void load_db_variables(VariableReader& r, Settings& s) {
  std::string user(kDbDefault);
  std::string password(kDbDefault);
  std::string address(kDbDefaultAddress);
  std::string name(kDbDefaultName);
  int port = kDbDefaultPort;
  r.read_string("DB_USER", user);
  r.read_string("DB_PASSWORD", password);
  r.read_string("DB_ADDRESS", address);
  r.read_string("DB_NAME", name);
  r.read_int("DB_PORT", 1, 65535, port);

  if (user == kDbDefault) {
    r.error("DB_USER: must be changed from the default CHANGE_ME_IN_ENV_FILE");
  }
  if (reference_rejects(password)) {
    r.error("DB_PASSWORD: must not be empty or a default/example password; set a strong one");
  } else if (s.is_production() && production_rejects(password)) {
    r.error("DB_PASSWORD: a well-known default password cannot be used in production");
  }
  if (address.empty()) r.error("DB_ADDRESS: must not be empty");
  if (address.find(':') != std::string::npos && address.front() != '[') {
    address = "[" + address + "]";  // IPv6 literal
  }
  s.database.backend = DatabaseBackend::kPostgres;
  s.database.sqlite_path.clear();
  s.database.url = "postgresql://" + percent_encode(user) + ":" + percent_encode(password) + "@" +
                   address + ":" + std::to_string(port) + "/" + percent_encode(name);
}

std::string code(std::string_view s) { return "`" + std::string(s) + "`"; }

// DATABASE_URL wins; else any DB_* variable builds a PostgreSQL URL; else SQLite in DATA_DIR.
void read_database_url(VariableReader& r, Settings& s) {
  if (r.has_value("DATABASE_URL")) {
    load_database_url(r, s);
    return;
  }
  for (std::string_view name : kDbVariables) {
    if (r.has_value(name)) {
      load_db_variables(r, s);
      return;
    }
  }
  s.database.backend = DatabaseBackend::kSqlite;
  s.database.sqlite_path = (std::filesystem::path(s.data_dir) / "gatehouse.db").string();
  s.database.url = "sqlite:///" + s.database.sqlite_path;
}

}  // namespace

SettingGroup database_group() {
  const Section<DatabaseSettings> d(&Settings::database);
  return {
      "Database",
      {
          d.by_rule("DATABASE_URL", &DatabaseSettings::url, "`sqlite:///…`, `postgresql://…`",
                    "see \"Database URL\" above; other schemes are refused")
              .url_with_password()
              .default_is("`sqlite:///<DATA_DIR>/gatehouse.db`"),
          d.integer("DB_POOL_SIZE", &DatabaseSettings::pool_size, 1, 256,
                    "PostgreSQL connections / SQLite handles"),
          d.integer("DB_CONNECT_TIMEOUT_SECONDS", &DatabaseSettings::connect_timeout_seconds, 1,
                    300, "PostgreSQL connect timeout"),
          d.flag("AUTO_MIGRATE", &DatabaseSettings::auto_migrate,
                 "apply pending migrations at start; when the database is unreachable the "
                 "server starts anyway, `/ready` answers 503, and the migration is retried "
                 "every 2 s"),
          documented_only("DB_USER", "PostgreSQL user; must be changed; see \"Database URL\" above",
                          code(kDbDefault)),
          documented_only("DB_PASSWORD", "PostgreSQL password, never shown; must be changed",
                          code(kDbDefault)),
          documented_only("DB_ADDRESS", "PostgreSQL host", code(kDbDefaultAddress)),
          documented_only("DB_PORT", "PostgreSQL port (1..65535)",
                          code(std::to_string(kDbDefaultPort))),
          documented_only("DB_NAME", "PostgreSQL database", code(kDbDefaultName)),
      },
      read_database_url};
}

}  // namespace gatehouse::config::detail
