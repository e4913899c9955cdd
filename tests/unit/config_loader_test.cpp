// load_settings: defaults, sources and precedence, parsing and validation rules.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/loader.hpp"

namespace gatehouse::config {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGoodSecret = "0123456789abcdef0123456789abcdef-good-secret";

bool has_message(const std::vector<std::string>& messages, std::string_view needle) {
  for (const std::string& m : messages) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

bool mentions(const LoadResult& r, std::string_view needle) {
  return has_message(r.errors, needle) || has_message(r.warnings, needle);
}

std::string joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const std::string& m : messages) out += m + "\n";
  return out;
}

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gatehouse-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  std::string dotenv_path() const { return path(".env"); }
  std::string data_dir() const { return path("data"); }

  void write_file(const std::string& file_path, const std::string& content) const {
    fs::create_directories(fs::path(file_path).parent_path());
    std::ofstream(file_path, std::ios::binary) << content;
  }
  void write_dotenv(const std::string& content) const { write_file(dotenv_path(), content); }

  // Loads with DATA_DIR inside the temp directory unless the test sets it.
  LoadResult load(VariableMap env = {}) const {
    env.emplace("DATA_DIR", data_dir());
    return load_settings(env, dotenv_path());
  }
  // Production with a good SECRET_KEY, so only the rule under test can fail.
  LoadResult load_production(VariableMap env = {}) const {
    env.emplace("ENVIRONMENT", "production");
    env.emplace("SECRET_KEY", kGoodSecret);
    return load(std::move(env));
  }

  std::string dir_;
};

// ---------------------------------------------------------------------------------------------
// Defaults

TEST_F(ConfigLoaderTest, DefaultsMatchTheReference) {
  const LoadResult r = load();
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  const Settings& s = r.settings;
  EXPECT_EQ(s.environment, Environment::kDevelopment);
  EXPECT_EQ(s.base_url, "http://localhost:8000");
  EXPECT_EQ(s.api_root, "");
  EXPECT_EQ(s.access_token_expire_minutes, 120);
  EXPECT_EQ(s.server.host, "127.0.0.1");
  EXPECT_EQ(s.server.port, 8000);
  EXPECT_EQ(s.server.max_body_bytes, 1024u * 1024u);
  EXPECT_TRUE(s.server.trusted_proxies.empty());
  EXPECT_EQ(s.cors.origins, std::vector<std::string>{"*"});
  EXPECT_FALSE(s.cors.allow_credentials);
  EXPECT_EQ(s.log.level, "INFO");
  EXPECT_EQ(s.log.rotation, "1 day");
  EXPECT_EQ(s.log.rotation_seconds, 86400);
  EXPECT_EQ(s.log.retention_seconds, 30 * 86400);
  EXPECT_EQ(s.log.categories, "ALL");
  EXPECT_EQ(s.log.filename, "api.log");
  EXPECT_EQ(s.mail.port, 587);
  EXPECT_EQ(s.mail.server, "");
  EXPECT_EQ(s.mail.file_dir, (fs::path(data_dir()) / "mail").string());
  EXPECT_FALSE(s.redis.enabled);
  EXPECT_EQ(s.redis.url, "redis://localhost:6379/0");
  EXPECT_EQ(s.admin_pages.route, "/admin");
  EXPECT_EQ(s.admin_pages.timeout_seconds, 86400);
  EXPECT_EQ(s.metadata.title, "API Template");
  EXPECT_EQ(s.metadata.license_name, "MIT");
  EXPECT_EQ(s.metrics_namespace(), "api_template");
  EXPECT_EQ(s.database.backend, DatabaseBackend::kSqlite);
  EXPECT_EQ(s.database.sqlite_path, data_dir() + "/gatehouse.db");
  EXPECT_EQ(s.database.url, "sqlite:///" + data_dir() + "/gatehouse.db");
  EXPECT_EQ(s.database.pool_size, 8);
  EXPECT_TRUE(s.database.auto_migrate);
  EXPECT_TRUE(fs::is_directory(data_dir()));
}

TEST_F(ConfigLoaderTest, DefaultDataDirIsRelativeToTheWorkingDirectory) {
  const fs::path old_cwd = fs::current_path();
  fs::current_path(dir_);
  const LoadResult r = load_settings({}, dotenv_path());
  fs::current_path(old_cwd);
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.data_dir, "./data");
  EXPECT_EQ(r.settings.database.url, "sqlite:///./data/gatehouse.db");
  EXPECT_EQ(r.settings.database.sqlite_path, "./data/gatehouse.db");
  EXPECT_EQ(r.settings.mail.file_dir, "./data/mail");
  EXPECT_TRUE(fs::is_regular_file(path("data/secret_key")));
}

// ---------------------------------------------------------------------------------------------
// Sources and precedence

TEST_F(ConfigLoaderTest, EnvironmentBeatsDotenvBeatsSecretsDir) {
  const std::string secrets = path("secrets");
  write_file(secrets + "/PORT", "7000\n");
  write_file(secrets + "/api_title", "From Secrets\n");  // lower-case file name
  write_file(secrets + "/MAIL_PASSWORD", "mail-pw\r\n");
  write_dotenv("PORT=7001\nAPI_TITLE=From Dotenv\n");

  LoadResult r = load({{"SECRETS_DIR", secrets}, {"port", "7002"}});  // case-insensitive
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.server.port, 7002);
  EXPECT_EQ(r.settings.metadata.title, "From Dotenv");
  EXPECT_EQ(r.settings.mail.password, "mail-pw");

  r = load({{"SECRETS_DIR", secrets}});
  EXPECT_EQ(r.settings.server.port, 7001);

  fs::remove(dotenv_path());
  r = load({{"SECRETS_DIR", secrets}});
  EXPECT_EQ(r.settings.server.port, 7000);
  EXPECT_EQ(r.settings.metadata.title, "From Secrets");
}

TEST_F(ConfigLoaderTest, UpperCaseSpellingWinsInTheEnvironment) {
  const LoadResult r = load({{"PORT", "9001"}, {"port", "9002"}, {"Port", "9003"}});
  EXPECT_EQ(r.settings.server.port, 9001);
}

TEST_F(ConfigLoaderTest, SecretsDirIsReadFromTheProcessEnvironmentOnly) {
  const std::string secrets = path("secrets");
  write_file(secrets + "/PORT", "7000");
  write_dotenv("SECRETS_DIR=" + secrets + "\n");
  const LoadResult r = load();
  EXPECT_EQ(r.settings.server.port, 8000);
  EXPECT_TRUE(has_message(r.warnings, "SECRETS_DIR is read from the process environment only"));
}

TEST_F(ConfigLoaderTest, SecretsDirWarnings) {
  LoadResult r = load({{"SECRETS_DIR", path("missing")}});
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_message(r.warnings,
                          "SECRETS_DIR is set but does not exist or is not a directory. "
                          "File-based secrets will not be loaded."));

  fs::create_directories(path("secrets"));
  r = load({{"SECRETS_DIR", path("secrets")}});
  // Tests run as root or as the owner of the temp directory: it is writable.
  EXPECT_TRUE(has_message(r.warnings,
                          "SECRETS_DIR is writable by the current process. For best security, "
                          "this directory should be read-only."));
}

TEST_F(ConfigLoaderTest, MissingDotenvIsFine) {
  const LoadResult r = load_settings({{"DATA_DIR", data_dir()}}, path("no-such.env"));
  EXPECT_TRUE(r.ok()) << joined(r.errors);
}

TEST_F(ConfigLoaderTest, DotenvQuotesCommentsAndExport) {
  write_dotenv(
      "# a comment\n"
      "\n"
      "export API_TITLE=\"My \\\"Great\\\" API\"\n"
      "API_DESCRIPTION='single # not a comment \\n'\n"
      "YEAR=2030 # inline comment\n"
      "REPOSITORY=https://example.com/repo#anchor\n"
      "  MAIL_FROM_NAME = Spaced Out  \r\n"
      "BASE_URL=\"line1\\nline2\"  # comment after quotes\n");
  const LoadResult r = load();
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.metadata.title, "My \"Great\" API");
  EXPECT_EQ(r.settings.metadata.description, "single # not a comment \\n");
  EXPECT_EQ(r.settings.metadata.year, "2030");
  EXPECT_EQ(r.settings.metadata.repository, "https://example.com/repo#anchor");
  EXPECT_EQ(r.settings.mail.from_name, "Spaced Out");
  EXPECT_EQ(r.settings.base_url, "line1\nline2");
}

TEST_F(ConfigLoaderTest, MalformedDotenvLineNamesFileAndLine) {
  write_dotenv("PORT=8001\nthis is not an assignment\nAPI_TITLE=\"unterminated\n");
  const LoadResult r = load();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_message(r.errors, dotenv_path() + ":2: malformed line")) << joined(r.errors);
  EXPECT_TRUE(has_message(r.errors, dotenv_path() + ":3: malformed line")) << joined(r.errors);
  EXPECT_FALSE(has_message(r.errors, "this is not")) << "never echo the line";
  EXPECT_EQ(r.settings.server.port, 8001);  // the good lines still count
}

TEST_F(ConfigLoaderTest, UnknownDotenvKeyWarnsAndCompatibilityKeysAreQuiet) {
  write_dotenv(
      "POTR=8001\n"
      "I_READ_THE_DAMN_DOCS=true\n"
      "TEST_DB_NAME=x\nTEST_DB_PASSWORD=y\nTEST_WITH_POSTGRES=false\n");
  const LoadResult r = load();
  EXPECT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_TRUE(has_message(r.warnings, dotenv_path() + ":1: unknown variable POTR ignored"));
  EXPECT_FALSE(has_message(r.warnings, "I_READ_THE_DAMN_DOCS"));
  EXPECT_FALSE(has_message(r.warnings, "TEST_"));
}

TEST_F(ConfigLoaderTest, UnreadableDotenvIsAnError) {
  fs::create_directories(dotenv_path());  // a directory where the file should be
  const LoadResult r = load();
  EXPECT_TRUE(has_message(r.errors, dotenv_path() + ": cannot read the file"));
}

// ---------------------------------------------------------------------------------------------
// Value parsing

TEST_F(ConfigLoaderTest, BadIntegerNamesTheVariable) {
  LoadResult r = load({{"PORT", "abc"}});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_message(r.errors, "PORT: must be an integer from 1 to 65535 (got \"abc\")"))
      << joined(r.errors);
  EXPECT_EQ(r.settings.server.port, 8000);

  r = load({{"PORT", "80x"}});
  EXPECT_TRUE(has_message(r.errors, "PORT: must be an integer from 1 to 65535 (got \"80x\")"));
  r = load({{"REDIS_DB", "16"}});
  EXPECT_TRUE(has_message(r.errors, "REDIS_DB: must be an integer from 0 to 15 (got \"16\")"));
  r = load({{"MAX_BODY_BYTES", "99999999999999999999999"}});
  EXPECT_TRUE(has_message(r.errors, "MAX_BODY_BYTES: must be an integer from 1024 to 1073741824"));
  r = load({{"ADMIN_PAGES_TIMEOUT", "59"}});
  EXPECT_TRUE(has_message(r.errors, "ADMIN_PAGES_TIMEOUT: must be an integer from 60"));
}

TEST_F(ConfigLoaderTest, IntegersAndEmptyValues) {
  const LoadResult r = load({{"PORT", " 9000 "},
                             {"MAX_BODY_BYTES", "2048"},
                             {"IO_THREADS", "0"},
                             {"WORKER_THREADS", ""}});  // empty = not set
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.server.port, 9000);
  EXPECT_EQ(r.settings.server.max_body_bytes, 2048u);
  EXPECT_EQ(r.settings.server.io_threads, 0);
  // Unset: sized by the backend (SQLite: one per core, at least 2).
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  EXPECT_EQ(r.settings.server.worker_threads, std::max(2, cores));
}

TEST_F(ConfigLoaderTest, WorkerThreadsFollowTheBackendUnlessSet) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const LoadResult pg = load({{"DATABASE_URL", "postgresql://u:p@127.0.0.1:5432/db"}});
  ASSERT_TRUE(pg.ok()) << joined(pg.errors);
  EXPECT_EQ(pg.settings.server.worker_threads, std::max(8, 4 * cores));
  const LoadResult set = load({{"WORKER_THREADS", "3"}});
  ASSERT_TRUE(set.ok()) << joined(set.errors);
  EXPECT_EQ(set.settings.server.worker_threads, 3);
}

TEST_F(ConfigLoaderTest, Booleans) {
  LoadResult r = load({{"HSTS_ENABLED", "YES"},
                       {"METRICS_ENABLED", "on"},
                       {"AUTO_MIGRATE", "0"},
                       {"MAIL_STARTTLS", "False"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_TRUE(r.settings.server.hsts_enabled);
  EXPECT_TRUE(r.settings.metrics_enabled);
  EXPECT_FALSE(r.settings.database.auto_migrate);
  EXPECT_FALSE(r.settings.mail.starttls);

  r = load({{"HSTS_ENABLED", "maybe"}});
  EXPECT_TRUE(has_message(r.errors, "HSTS_ENABLED: must be true or false (got \"maybe\")"));
}

TEST_F(ConfigLoaderTest, Environment) {
  LoadResult r = load({{"ENVIRONMENT", "PRODUCTION"}, {"SECRET_KEY", kGoodSecret}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_TRUE(r.settings.is_production());

  r = load({{"ENVIRONMENT", "staging"}});
  EXPECT_TRUE(
      has_message(r.errors, "ENVIRONMENT: must be development or production (got \"staging\")"));
  // Fail closed: no development key is generated for an unknown environment.
  EXPECT_FALSE(fs::exists(path("data/secret_key")));
}

TEST_F(ConfigLoaderTest, ApiRoot) {
  EXPECT_EQ(load({{"API_ROOT", "/api/v1/"}}).settings.api_root, "/api/v1");
  EXPECT_EQ(load({{"API_ROOT", "/"}}).settings.api_root, "");
  EXPECT_TRUE(has_message(load({{"API_ROOT", "api"}}).errors, "API_ROOT: must be empty or start"));
}

TEST_F(ConfigLoaderTest, CorsOriginsAreTrimmedAndEmptiesDropped) {
  const LoadResult r = load({{"CORS_ORIGINS", " https://a.example , ,https://b.example,"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.cors.origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST_F(ConfigLoaderTest, CorsWildcardWithCredentialsIsRefusedInEveryEnvironment) {
  const std::string expected =
      "CORS_ORIGINS: \"*\" cannot be combined with CORS_ALLOW_CREDENTIALS=true; list the allowed "
      "origins explicitly";
  LoadResult r = load({{"CORS_ALLOW_CREDENTIALS", "true"}});
  EXPECT_TRUE(has_message(r.errors, expected)) << joined(r.errors);
  r = load_production({{"CORS_ORIGINS", "https://a.example, *"}, {"CORS_ALLOW_CREDENTIALS", "1"}});
  EXPECT_TRUE(has_message(r.errors, expected)) << joined(r.errors);
  r = load({{"CORS_ORIGINS", "https://a.example"}, {"CORS_ALLOW_CREDENTIALS", "true"}});
  EXPECT_TRUE(r.ok()) << joined(r.errors);
}

TEST_F(ConfigLoaderTest, TrustedProxies) {
  LoadResult r = load({{"TRUSTED_PROXIES", "10.0.0.1, 10.0.0.0/8 ,::1,fd00::/8,0.0.0.0/0"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.server.trusted_proxies,
            (std::vector<std::string>{"10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "0.0.0.0/0"}));

  r = load({{"TRUSTED_PROXIES", "10.0.0.0/33,proxy.local,::1/129,1.2.3.4/,10.0.0.1/-1"}});
  EXPECT_TRUE(has_message(r.errors, "TRUSTED_PROXIES: \"10.0.0.0/33\""));
  EXPECT_TRUE(has_message(r.errors, "TRUSTED_PROXIES: \"proxy.local\""));
  EXPECT_TRUE(has_message(r.errors, "TRUSTED_PROXIES: \"::1/129\""));
  EXPECT_TRUE(has_message(r.errors, "TRUSTED_PROXIES: \"1.2.3.4/\""));
  EXPECT_TRUE(has_message(r.errors, "TRUSTED_PROXIES: \"10.0.0.1/-1\""));
}

TEST_F(ConfigLoaderTest, LogSettings) {
  LoadResult r = load({{"LOG_LEVEL", "debug"},
                       {"LOG_ROTATION", "500 MB"},
                       {"LOG_RETENTION", "10 files"},
                       {"LOG_CATEGORIES", " auth, Cache ,bogus"},
                       {"LOG_FILENAME", "gatehouse.log"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.log.level, "DEBUG");
  EXPECT_EQ(r.settings.log.rotation_bytes, 500u * 1024 * 1024);
  EXPECT_EQ(r.settings.log.rotation_seconds, 0);
  EXPECT_EQ(r.settings.log.retention_files, 10);
  EXPECT_EQ(r.settings.log.retention_seconds, 0);
  EXPECT_EQ(r.settings.log.categories, "AUTH,CACHE");
  EXPECT_TRUE(has_message(r.warnings, "LOG_CATEGORIES: unknown category \"bogus\" ignored"));
  EXPECT_EQ(r.settings.log.filename, "gatehouse.log");

  EXPECT_EQ(load({{"LOG_ROTATION", "2 weeks"}}).settings.log.rotation_seconds, 14 * 86400);
  EXPECT_EQ(load({{"LOG_CATEGORIES", "none"}}).settings.log.categories, "NONE");

  r = load({{"LOG_LEVEL", "LOUD"},
            {"LOG_ROTATION", "00:00"},
            {"LOG_RETENTION", "forever"},
            {"LOG_FILENAME", "../x.log"}});
  EXPECT_TRUE(has_message(r.errors, "LOG_LEVEL: must be one of"));
  EXPECT_TRUE(has_message(r.errors, "LOG_ROTATION: rotation at a time of day is not supported"));
  EXPECT_TRUE(has_message(r.errors, "LOG_RETENTION: must be"));
  EXPECT_TRUE(has_message(r.errors, "LOG_FILENAME: must be a file name without"));
  EXPECT_TRUE(has_message(load({{"LOG_FILENAME", "a\\b.log"}}).errors, "LOG_FILENAME"));
}

TEST_F(ConfigLoaderTest, ContactAndLicenseAreJsonObjects) {
  LoadResult r = load({{"CONTACT", R"({"name": "Ops \"Team\"", "url": "https://ops.example"})"},
                       {"LICENSE_INFO", R"({"name":"Apache-2.0","url":"https://apache.org"})"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.metadata.contact_name, "Ops \"Team\"");
  EXPECT_EQ(r.settings.metadata.contact_url, "https://ops.example");
  EXPECT_EQ(r.settings.metadata.license_name, "Apache-2.0");

  r = load({{"CONTACT", "Ops Team"}, {"LICENSE_INFO", R"({"name": 1})"}});
  EXPECT_TRUE(has_message(r.errors, "CONTACT: must be a JSON object"));
  EXPECT_TRUE(has_message(r.errors, "LICENSE_INFO: must be a JSON object"));
}

TEST_F(ConfigLoaderTest, OverrideDirectoriesMustExist) {
  fs::create_directories(path("tpl"));
  LoadResult r = load({{"TEMPLATES_DIR", path("tpl")}, {"STATIC_DIR", path("nope")}});
  EXPECT_EQ(r.settings.templates_dir, path("tpl"));
  EXPECT_FALSE(has_message(r.errors, "TEMPLATES_DIR"));
  EXPECT_TRUE(has_message(r.errors, "STATIC_DIR: \"" + path("nope") + "\" is not a directory"));
}

TEST_F(ConfigLoaderTest, MetricsNamespace) {
  EXPECT_EQ(load({{"API_TITLE", "My Cool API"}}).settings.metrics_namespace(), "my_cool_api");
}

// ---------------------------------------------------------------------------------------------
// Database

TEST_F(ConfigLoaderTest, UnsupportedDatabaseSchemeNeverEchoesThePassword) {
  const LoadResult r = load({{"DATABASE_URL", "mysql://u:secretpw@h/db"}});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_message(r.errors,
                          "DATABASE_URL: unsupported scheme \"mysql\" (use "
                          "sqlite:///path/to/file.db or postgresql://user:password@host:port/db)"))
      << joined(r.errors);
  EXPECT_FALSE(mentions(r, "secretpw"));

  const LoadResult r2 = load({{"DATABASE_URL", "u:secretpw@h/db"}});
  EXPECT_TRUE(has_message(r2.errors, "DATABASE_URL: "));
  EXPECT_FALSE(mentions(r2, "secretpw"));
}

TEST_F(ConfigLoaderTest, SqliteAndPostgresUrls) {
  LoadResult r = load({{"DATABASE_URL", "sqlite:///" + path("db/app.db")}});  // absolute: ////
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.database.backend, DatabaseBackend::kSqlite);
  EXPECT_EQ(r.settings.database.sqlite_path, path("db/app.db"));
  EXPECT_TRUE(fs::is_directory(path("db")));  // the database directory is created

  r = load({{"DATABASE_URL", "postgres://gh:pw@db.local:5433/auth"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.database.backend, DatabaseBackend::kPostgres);
  EXPECT_EQ(r.settings.database.url, "postgresql://gh:pw@db.local:5433/auth");
  EXPECT_EQ(r.settings.database.sqlite_path, "");
}

TEST_F(ConfigLoaderTest, DbVariablesBuildAPostgresUrl) {
  LoadResult r = load({{"DB_USER", "gh"},
                       {"DB_PASSWORD", "p@ss w/rd:1"},
                       {"DB_ADDRESS", "db.local"},
                       {"DB_NAME", "auth"},
                       {"TEST_DB_PASSWORD", "ignored"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.database.backend, DatabaseBackend::kPostgres);
  EXPECT_EQ(r.settings.database.url, "postgresql://gh:p%40ss%20w%2Frd%3A1@db.local:5432/auth");

  // Any one DB_* variable switches to PostgreSQL with the reference's defaults.
  r = load({{"DB_PORT", "6543"}});
  EXPECT_EQ(r.settings.database.backend, DatabaseBackend::kPostgres);
  EXPECT_TRUE(has_message(r.errors, "DB_USER: must be changed from the default"));
  EXPECT_TRUE(has_message(r.errors, "DB_PASSWORD: "));
  EXPECT_TRUE(has_message(
      {r.settings.database.url},
      "postgresql://CHANGE_ME_IN_ENV_FILE:CHANGE_ME_IN_ENV_FILE@localhost:6543/api-template"));

  r = load({{"DB_USER", "gh"}, {"DB_PASSWORD", "Sup3rS3cr3tP455w0rd"}});
  EXPECT_TRUE(has_message(r.errors, "DB_PASSWORD: "));
  EXPECT_FALSE(has_message(r.errors, "Sup3rS3cr3tP455w0rd"));

  r = load({{"DB_USER", "gh"}, {"DB_PASSWORD", "  "}});
  EXPECT_TRUE(has_message(r.errors, "DB_PASSWORD: "));

  r = load({{"DB_USER", "gh"}, {"DB_PASSWORD", "pw"}, {"DB_PORT", "x"}});
  EXPECT_TRUE(has_message(r.errors, "DB_PORT: must be an integer from 1 to 65535"));
}

TEST_F(ConfigLoaderTest, DatabaseUrlWinsOverDbVariables) {
  const LoadResult r = load({{"DATABASE_URL", "postgresql://a:strong-pw@h/db"}, {"DB_USER", "b"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.database.url, "postgresql://a:strong-pw@h/db");
}

TEST_F(ConfigLoaderTest, ProductionRefusesDefaultDatabasePasswords) {
  for (const char* weak : {"postgres", "CHANGE_ME_IN_ENV_FILE", "Password", "admin", ""}) {
    SCOPED_TRACE(weak);
    LoadResult r =
        load_production({{"DATABASE_URL", std::string("postgresql://u:") + weak + "@h/db"}});
    EXPECT_TRUE(has_message(r.errors, "DATABASE_URL: the database password")) << joined(r.errors);
  }
  LoadResult r = load_production({{"DB_USER", "gh"}, {"DB_PASSWORD", "postgres"}});
  EXPECT_TRUE(has_message(r.errors, "DB_PASSWORD: ")) << joined(r.errors);
  EXPECT_FALSE(has_message(r.errors, "postgres\"")) << joined(r.errors);

  // Development accepts what the reference accepts.
  r = load({{"DB_USER", "gh"}, {"DB_PASSWORD", "postgres"}});
  EXPECT_TRUE(r.ok()) << joined(r.errors);
  // Production: strong password, no password at all (peer/.pgpass), and SQLite are fine.
  EXPECT_TRUE(load_production({{"DATABASE_URL", "postgresql://u:Xk9-long-pw@h/db"}}).ok());
  EXPECT_TRUE(load_production({{"DATABASE_URL", "postgresql://u@h/db"}}).ok());
  EXPECT_TRUE(load_production().ok());
}

// ---------------------------------------------------------------------------------------------
// SECRET_KEY

TEST_F(ConfigLoaderTest, WeakSecretKeyIsRefusedInBothEnvironments) {
  for (const char* environment : {"development", "production"}) {
    SCOPED_TRACE(environment);
    LoadResult r = load({{"ENVIRONMENT", environment}, {"SECRET_KEY", "SecretKey"}});
    EXPECT_TRUE(has_message(r.errors, "SECRET_KEY: must not be a default")) << joined(r.errors);
    EXPECT_FALSE(mentions(r, "SecretKey"));

    r = load({{"ENVIRONMENT", environment}, {"SECRET_KEY", "shortkey"}});
    EXPECT_TRUE(has_message(
        r.errors, "SECRET_KEY must be at least 32 characters for security. Current length: 8"));
    EXPECT_FALSE(mentions(r, "shortkey"));
    EXPECT_TRUE(r.settings.secret_key.empty());
  }
}

TEST_F(ConfigLoaderTest, SecretKeyLengthCountsCharacters) {
  // 31 two-byte characters: 62 bytes but too short.
  std::string key;
  for (int i = 0; i < 31; ++i) key += "\xC3\xA9";
  const LoadResult r = load({{"SECRET_KEY", key}});
  EXPECT_TRUE(has_message(r.errors, "Current length: 31"));
}

TEST_F(ConfigLoaderTest, ProductionRequiresSecretKey) {
  const LoadResult r = load({{"ENVIRONMENT", "production"}});
  EXPECT_TRUE(has_message(
      r.errors,
      "SECRET_KEY: must be set in production (generate one with `gatehouse keys --secret`)"));
  EXPECT_FALSE(fs::exists(path("data/secret_key")));
}

TEST_F(ConfigLoaderTest, DevelopmentKeyIsGeneratedOnceAndReused) {
  const std::string key_path = data_dir() + "/secret_key";
  const std::string warning = "SECRET_KEY is not set: using the development key stored in " +
                              key_path + ". Set SECRET_KEY before production use.";
  const LoadResult first = load();
  ASSERT_TRUE(first.ok()) << joined(first.errors);
  EXPECT_TRUE(first.settings.secret_key_generated);
  EXPECT_EQ(first.settings.secret_key.size(), 64u);
  EXPECT_EQ(first.settings.secret_key.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(has_message(first.warnings, warning)) << joined(first.warnings);
  EXPECT_FALSE(mentions(first, first.settings.secret_key));

  struct stat st {};
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const LoadResult second = load();
  ASSERT_TRUE(second.ok()) << joined(second.errors);
  EXPECT_EQ(second.settings.secret_key, first.settings.secret_key);
  EXPECT_TRUE(second.settings.secret_key_generated);
  EXPECT_TRUE(has_message(second.warnings, warning));

  // An explicit key wins and the file is left alone.
  const LoadResult explicit_key = load({{"SECRET_KEY", kGoodSecret}});
  EXPECT_EQ(explicit_key.settings.secret_key, kGoodSecret);
  EXPECT_FALSE(explicit_key.settings.secret_key_generated);
  EXPECT_FALSE(has_message(explicit_key.warnings, "SECRET_KEY"));
}

TEST_F(ConfigLoaderTest, TamperedDevelopmentKeyIsAnError) {
  write_file(data_dir() + "/secret_key", "short\n");
  const LoadResult r = load();
  EXPECT_TRUE(has_message(r.errors, "SECRET_KEY: the development key in")) << joined(r.errors);
  EXPECT_FALSE(mentions(r, "short\""));
}

// ---------------------------------------------------------------------------------------------
// Directories

TEST_F(ConfigLoaderTest, UnwritableDataDirIsAnError) {
  write_file(path("file.txt"), "x");
  const std::string bad = path("file.txt/sub");  // cannot be created, even by root
  const LoadResult r = load({{"DATA_DIR", bad}});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_message(r.errors,
                          "DATA_DIR: directory \"" + bad + "\" is not writable (Not a directory)"))
      << joined(r.errors);
  // The default database lives in DATA_DIR: reported once, under DATA_DIR.
  EXPECT_FALSE(has_message(r.errors, "DATABASE_URL")) << joined(r.errors);
}

TEST_F(ConfigLoaderTest, UnwritableSqliteDirectoryNamesDatabaseUrl) {
  write_file(path("file.txt"), "x");
  const LoadResult r = load({{"DATABASE_URL", "sqlite:///" + path("file.txt/db/app.db")}});
  EXPECT_TRUE(has_message(
      r.errors, "DATABASE_URL: directory \"" + path("file.txt/db") + "\" is not writable"))
      << joined(r.errors);
}

// ---------------------------------------------------------------------------------------------
// Redis

TEST_F(ConfigLoaderTest, RedisUrl) {
  LoadResult r = load({{"REDIS_URL", "redis://:s%40cret@cache.local:6380/2"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_TRUE(r.settings.redis.enabled);
  EXPECT_EQ(r.settings.redis.url, "redis://:s%40cret@cache.local:6380/2");
  EXPECT_EQ(r.settings.redis.host, "cache.local");
  EXPECT_EQ(r.settings.redis.port, 6380);
  EXPECT_EQ(r.settings.redis.password, "s@cret");
  EXPECT_EQ(r.settings.redis.db, 2);

  r = load({{"REDIS_URL", "http://:pw@cache.local"}});
  EXPECT_TRUE(has_message(r.errors, "REDIS_URL: unsupported scheme \"http\""));
  EXPECT_FALSE(mentions(r, ":pw@"));
  r = load({{"REDIS_URL", "rediss://:pw@cache.local:6380/2"}});
  EXPECT_TRUE(has_message(r.errors, "REDIS_URL: rediss:// (TLS) is not supported"));
  EXPECT_FALSE(mentions(r, ":pw@"));
  r = load({{"REDIS_URL", "redis://cache.local/99"}});
  EXPECT_TRUE(has_message(r.errors, "REDIS_URL: the database number"));
}

TEST_F(ConfigLoaderTest, RedisVariablesAndPasswordRules) {
  LoadResult r = load({{"REDIS_ENABLED", "true"}, {"REDIS_PASSWORD", "p w"}, {"REDIS_DB", "3"}});
  ASSERT_TRUE(r.ok()) << joined(r.errors);
  EXPECT_EQ(r.settings.redis.url, "redis://:p%20w@localhost:6379/3");
  EXPECT_FALSE(has_message(r.warnings, "Redis"));

  r = load({{"REDIS_ENABLED", "true"}});
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_message(r.warnings, "Redis is enabled without a password"));

  r = load({{"REDIS_URL", "redis://localhost:6379/0"}, {"ENFORCE_REDIS_PASSWORD", "true"}});
  EXPECT_TRUE(has_message(r.errors, "REDIS_PASSWORD: must be set when Redis is enabled"));

  // Not enabled: nothing to enforce.
  EXPECT_TRUE(load({{"ENFORCE_REDIS_PASSWORD", "true"}}).ok());
}

// ---------------------------------------------------------------------------------------------
// All errors are reported at once

TEST_F(ConfigLoaderTest, CollectsAllErrors) {
  write_dotenv("garbage line\n");
  const LoadResult r = load({{"PORT", "abc"},
                             {"WORKER_THREADS", "-1"},
                             {"LOG_LEVEL", "LOUD"},
                             {"DATABASE_URL", "mysql://u:secretpw@h/db"},
                             {"SECRET_KEY", "weak"},
                             {"CORS_ALLOW_CREDENTIALS", "true"}});
  EXPECT_EQ(r.errors.size(), 7u) << joined(r.errors);
  for (const char* name : {".env:1:", "PORT:", "WORKER_THREADS:", "LOG_LEVEL:", "DATABASE_URL:",
                           "SECRET_KEY", "CORS_ORIGINS:"}) {
    EXPECT_TRUE(has_message(r.errors, name)) << name;
  }
}

TEST(ProcessEnvironmentTest, SnapshotsEnviron) {
  ::setenv("GATEHOUSE_CONFIG_TEST_VAR", "a=b", 1);
  const VariableMap env = process_environment();
  ::unsetenv("GATEHOUSE_CONFIG_TEST_VAR");
  ASSERT_TRUE(env.contains("GATEHOUSE_CONFIG_TEST_VAR"));
  EXPECT_EQ(env.at("GATEHOUSE_CONFIG_TEST_VAR"), "a=b");
}

}  // namespace
}  // namespace gatehouse::config
