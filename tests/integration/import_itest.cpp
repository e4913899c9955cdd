// `gatehouse import fastapi-template` (docs/import-from-fastapi-template.md), on both backends:
// a PostgreSQL database laid out exactly as the Python template's Alembic migrations leave it,
// with bcrypt hashes made by Python's bcrypt and key hashes made as the template makes them,
// imported by the real binary and checked over HTTP.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <thread>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

// The template's own SECRET_KEY: its keys are HMACs under it, so Gatehouse must run with it.
constexpr const char* kTemplateSecret = "template-secret-key-0123456789abcdef-0123456789";
constexpr const char* kTemplatePassword = "Template-Pass-7!";
constexpr int kExitConflicts = 3;

// The template's migrations, one per Alembic revision (its alembic/versions), as PostgreSQL
// runs them.
constexpr const char* kInitialSchema = R"sql(
CREATE TYPE roletype AS ENUM ('user', 'admin');
CREATE TABLE users (
    id SERIAL NOT NULL,
    email VARCHAR(120) NOT NULL,
    password VARCHAR(255) NOT NULL,
    first_name VARCHAR(30) NOT NULL,
    last_name VARCHAR(50) NOT NULL,
    role roletype DEFAULT 'user' NOT NULL,
    banned BOOLEAN NOT NULL,
    verified BOOLEAN NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_role ON users (role);
)sql";
constexpr const char* kApiKeysSchema = R"sql(
CREATE TABLE api_keys (
    id UUID NOT NULL,
    user_id INTEGER NOT NULL,
    key VARCHAR(255) NOT NULL,
    name VARCHAR(50) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    is_active BOOLEAN DEFAULT true NOT NULL,
    scopes VARCHAR[],
    CONSTRAINT pk_api_keys PRIMARY KEY (id),
    CONSTRAINT fk_api_keys_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_api_keys_key ON api_keys (key);
CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
)sql";
constexpr const char* kLastUsedSchema =
    "ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;";
constexpr const char* kAlembicTable =
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));";

bool services_required() {
  const char* v = std::getenv("GATEHOUSE_REQUIRE_POSTGRES");
  return v != nullptr && std::string(v) == "1";
}

bool have_test_postgres() {
  const char* dsn = std::getenv("TEST_PG_DSN");
  return dsn != nullptr && *dsn != '\0';
}

// The source database needs the PostgreSQL test server whatever the backend under test.
#define REQUIRE_TEST_POSTGRES()                                                             \
  do {                                                                                      \
    if (!have_test_postgres()) {                                                            \
      if (services_required()) FAIL() << "GATEHOUSE_REQUIRE_POSTGRES=1 but no TEST_PG_DSN"; \
      GTEST_SKIP() << "TEST_PG_DSN is not set: import tests skipped (run scripts/services " \
                      "start && source <(scripts/services env))";                           \
    }                                                                                       \
  } while (0)

// The password inside TEST_PG_DSN (postgresql://user:password@host:port/db), which no output
// may show.
std::string dsn_password() {
  const std::string dsn = std::getenv("TEST_PG_DSN");
  const auto scheme = dsn.find("://");
  const auto at = dsn.rfind('@');
  const auto colon = dsn.find(':', scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || colon > at) return {};
  return dsn.substr(colon + 1, at - colon - 1);
}

// A bcrypt hash of kTemplatePassword made by Python's bcrypt (the template's library), cost 4
// to stay fast. /usr/bin/python3: the Debian package python3-bcrypt installs there.
const std::string& python_bcrypt_hash() {
  static const std::string kHash = [] {
    const ShellResult r = run_shell(
        "/usr/bin/python3 -c 'import bcrypt; "
        "print(bcrypt.hashpw(b\"" +
        std::string(kTemplatePassword) + "\", bcrypt.gensalt(4)).decode())'");
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (r.status != 0 || out.rfind("$2b$04$", 0) != 0) {
      throw std::runtime_error("python3 bcrypt failed (apt-get install python3-bcrypt): " + out);
    }
    return out;
  }();
  return kHash;
}

// hmac.new(SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest(), as the template
// stores a key.
std::string template_key_hash(const std::string& key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string secret = kTemplateSecret;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

// A key shaped as the template makes one: pk_ and 43 base64url characters (of 32 bytes).
std::string template_key() { return "pk_" + base64url_encode(random_hex(16)); }

// A scratch PostgreSQL database on the test server laid out by the template's migrations up
// to `revision` ("" for none of its bookkeeping: no alembic_version table).
class TemplateDatabase {
 public:
  explicit TemplateDatabase(const std::string& revision) {
    exec(kInitialSchema);
    if (revision != "5a8bd25c2227") exec(kApiKeysSchema);
    if (revision == "add_last_used_at") exec(kLastUsedSchema);
    if (!revision.empty()) {
      exec(kAlembicTable);
      exec("INSERT INTO alembic_version (version_num) VALUES ('" + revision + "')");
    }
  }
  const std::string& url() const { return db_.url(); }

  void exec(const std::string& sql) const {
    PGconn* c = PQconnectdb(url().c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      const std::string err = PQerrorMessage(c);
      PQfinish(c);
      throw std::runtime_error("template database: " + err);
    }
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    const std::string err = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("template database: " + err + "\n" + sql);
  }

  void add_user(int id, const std::string& email, const std::string& role, bool banned,
                bool verified) const {
    exec(
        "INSERT INTO users (id, email, password, first_name, last_name, role, banned, verified) "
        "VALUES (" +
        std::to_string(id) + ", '" + email + "', '" + python_bcrypt_hash() + "', 'First" +
        std::to_string(id) + "', 'Last', '" + role + "', " + (banned ? "true" : "false") + ", " +
        (verified ? "true" : "false") + ")");
  }

  // scopes: a PostgreSQL array literal ('{a,b}') or NULL. Returns the plain key.
  std::string add_key(int user_id, const std::string& name, const std::string& scopes,
                      bool active = true) const {
    std::string key = template_key();
    exec(
        "INSERT INTO api_keys (id, user_id, key, name, is_active, scopes) VALUES "
        "(gen_random_uuid(), " +
        std::to_string(user_id) + ", '" + template_key_hash(key) + "', '" + name + "', " +
        (active ? "true" : "false") + ", " + scopes + ")");
    return key;
  }

 private:
  ScratchPostgres db_;
};

GatehouseProcess::RunResult run_import(GatehouseProcess& gh, const TemplateDatabase& source,
                                       bool dry_run = false) {
  std::vector<std::string> args{"import", "fastapi-template", source.url()};
  if (dry_run) args.emplace_back("--dry-run");
  return gh.run_command(args);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// No output ever shows a password hash, a key hash or the source's password.
void expect_no_secrets(const GatehouseProcess::RunResult& r, const std::vector<std::string>& keys) {
  const std::string all = r.out + r.err;
  EXPECT_FALSE(contains(all, "$2b$")) << all;
  for (const auto& k : keys) EXPECT_FALSE(contains(all, template_key_hash(k))) << all;
  const std::string password = dsn_password();
  if (!password.empty()) {
    EXPECT_FALSE(contains(all, password)) << all;
  }
}

HttpResponse me_with_key(HttpClient& c, const std::string& key) {
  return c.get("/users/me", {{"X-API-Key", key}});
}

TEST(ImportFastapiTemplate, CopiesUsersAndKeysThatKeepWorking) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("add_last_used_at");
  source.add_user(10, "admin@example.com", "admin", false, true);
  source.add_user(11, "reader@example.com", "user", false, true);
  source.add_user(12, "banned@example.com", "user", true, true);
  source.add_user(13, "unverified@example.com", "user", false, false);
  source.add_user(25, "scoped@example.com", "user", false, true);
  source.add_user(30, "taken@example.com", "user", false, true);
  const std::string admin_key = source.add_key(10, "full", "NULL");
  const std::string inactive_key = source.add_key(10, "off", "NULL", false);
  const std::string reader_key = source.add_key(11, "reader", "'{users:read,read,admin:read}'");
  const std::string unknown_key = source.add_key(25, "free-form", "'{everything}'");
  const std::string orphan_key = source.add_key(30, "orphan", "NULL");
  source.exec("UPDATE api_keys SET last_used_at = '2026-01-23 10:00:00+00' WHERE name = 'full'");
  const std::vector<std::string> keys{admin_key, inactive_key, reader_key, unknown_key, orphan_key};

  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  // Already here before the import: the template's user 30 has this email under another id.
  auto existing = gh.run_command(
      {"user", "create", "-e", "taken@example.com", "-f", "Here", "-l", "Before", "-p", kPassword});
  ASSERT_EQ(existing.exit_code, 0) << existing.err;
  const std::string existing_id =
      query_scalar(gh, "SELECT id FROM users WHERE email = 'taken@example.com'");

  auto first = run_import(gh, source);
  EXPECT_EQ(first.exit_code, kExitConflicts) << first.out << first.err;
  EXPECT_TRUE(contains(first.out, "Users: 5 imported, 0 already present, 1 conflicts"))
      << first.out;
  EXPECT_TRUE(contains(first.out, "API keys: 4 imported, 0 already present, 1 conflicts"))
      << first.out;
  EXPECT_TRUE(
      contains(first.out, "conflict: user 30 <taken@example.com>: the email is already user " +
                              existing_id + "'s here"))
      << first.out;
  EXPECT_TRUE(contains(first.out, "(\"orphan\", user 30): its user was not imported")) << first.out;
  EXPECT_TRUE(contains(first.out, "(\"reader\", user 11): scopes dropped: read, admin:read\n"))
      << first.out;
  EXPECT_TRUE(contains(first.out,
                       "(\"free-form\", user 25): scopes dropped: everything (no scope "
                       "left: it reaches no scoped route)"))
      << first.out;
  EXPECT_TRUE(contains(first.err, "users: 6/6")) << first.err;
  EXPECT_TRUE(contains(first.err, "api_keys: 5/5")) << first.err;
  expect_no_secrets(first, keys);

  // Rows as the template had them; the extra columns as documented.
  EXPECT_EQ(query_scalar(gh, "SELECT role FROM users WHERE id = 10"), "admin");
  EXPECT_EQ(query_scalar(gh, "SELECT password FROM users WHERE id = 11"), python_bcrypt_hash());
  EXPECT_EQ(query_scalar(gh,
                         "SELECT count(*) FROM users WHERE tokens_valid_after IS NULL AND id "
                         "BETWEEN 10 AND 25"),
            "0");
  EXPECT_EQ(query_scalar(gh, "SELECT first_name FROM users WHERE email = 'taken@example.com'"),
            "Here");
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM users WHERE id = 30"), "0");
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL"), "1");
  EXPECT_EQ(query_scalar(gh,
                         "SELECT count(*) FROM audit_events WHERE action = "
                         "'import.fastapi_template'"),
            "1");

  gh.start();
  HttpClient c(gh.port());
  // The original password works, and the bcrypt hash is replaced by Argon2id on that login.
  const auto login_ok = login_request(c, "reader@example.com", kTemplatePassword);
  EXPECT_EQ(login_ok.status, 200) << login_ok.body;
  EXPECT_EQ(query_scalar(gh, "SELECT substr(password, 1, 10) FROM users WHERE id = 11"),
            "$argon2id$");
  EXPECT_EQ(login_request(c, "reader@example.com", kTemplatePassword).status, 200);
  EXPECT_NE(login_request(c, "reader@example.com", "Wrong-Pass-7!").status, 200);
  // Banned and unverified users stay so.
  EXPECT_NE(login_request(c, "banned@example.com", kTemplatePassword).status, 200);
  EXPECT_NE(login_request(c, "unverified@example.com", kTemplatePassword).status, 200);
  EXPECT_EQ(query_scalar(gh, "SELECT banned FROM users WHERE id = 12"),
            test_backend() == "postgres" ? "t" : "1");

  // Keys made by the template authenticate; scopes as the rule says.
  const auto admin_me = me_with_key(c, admin_key);
  EXPECT_EQ(admin_me.status, 200) << admin_me.body;
  const auto admin_body = parse_json(admin_me.body);
  EXPECT_EQ(admin_body.at("email").as_string(), "admin@example.com");
  // The role came along: an admin route answers the admin's key, not the reader's.
  EXPECT_EQ(c.get("/users/", {{"X-API-Key", admin_key}}).status, 200);
  EXPECT_EQ(c.get("/users/", {{"X-API-Key", reader_key}}).status, 403);
  const auto inactive = me_with_key(c, inactive_key);
  EXPECT_EQ(inactive.status, 401);
  EXPECT_EQ(detail_of(inactive), "API key is inactive");
  EXPECT_EQ(me_with_key(c, reader_key).status, 200);
  EXPECT_EQ(me_with_key(c, unknown_key).status, 403);
  EXPECT_EQ(me_with_key(c, orphan_key).status, 401);

  // A registration after the import gets an id past every imported one.
  const std::string fresh = unique_email("after-import");
  const auto reg = register_user(c, fresh);
  ASSERT_EQ(reg.status / 100, 2) << reg.body;
  const std::string fresh_id =
      query_scalar(gh, "SELECT id FROM users WHERE email = '" + fresh + "'");
  ASSERT_FALSE(fresh_id.empty());
  EXPECT_GT(std::stoll(fresh_id), 25);

  // Running it again changes nothing and says so; the conflict is still reported.
  auto again = run_import(gh, source);
  EXPECT_EQ(again.exit_code, kExitConflicts) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "Users: 0 imported, 5 already present, 1 conflicts"))
      << again.out;
  EXPECT_TRUE(contains(again.out, "API keys: 0 imported, 4 already present, 1 conflicts"))
      << again.out;
  EXPECT_TRUE(contains(again.out, "Nothing changed")) << again.out;
  EXPECT_EQ(query_scalar(gh, "SELECT substr(password, 1, 10) FROM users WHERE id = 11"),
            "$argon2id$");
  EXPECT_EQ(query_scalar(gh,
                         "SELECT count(*) FROM audit_events WHERE action = "
                         "'import.fastapi_template'"),
            "1");
}

TEST(ImportFastapiTemplate, DryRunWritesNothing) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("add_last_used_at");
  source.add_user(1, "one@example.com", "user", false, true);
  source.add_user(2, "two@example.com", "admin", false, true);
  source.add_key(1, "k", "'{users:read}'");
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  auto dry = run_import(gh, source, /*dry_run=*/true);
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_TRUE(contains(dry.out, "Users: 2 would be imported, 0 already present, 0 conflicts"))
      << dry.out;
  EXPECT_TRUE(contains(dry.out, "API keys: 1 would be imported")) << dry.out;
  EXPECT_TRUE(contains(dry.out, "Dry run: nothing was written.")) << dry.out;
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM users"), "0");
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM api_keys"), "0");
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM audit_events"), "0");
}

TEST(ImportFastapiTemplate, InitialRevisionImportsUsersOnly) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("5a8bd25c2227");
  source.add_user(3, "early@example.com", "user", false, true);
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  auto r = run_import(gh, source);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Users: 1 imported")) << r.out;
  EXPECT_TRUE(contains(r.out, "API keys: none at revision 5a8bd25c2227")) << r.out;
  EXPECT_EQ(query_scalar(gh, "SELECT email FROM users WHERE id = 3"), "early@example.com");
}

// A running server with the response cache shows the imported users at once: the import
// invalidates the users list (through Redis on PostgreSQL, the shared generation on SQLite).
TEST(ImportFastapiTemplate, RunningServerCacheSeesTheImport) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("add_last_used_at");
  source.add_user(40, "cached-import@example.com", "user", false, true);
  std::map<std::string, std::string> env{{"SECRET_KEY", kTemplateSecret},
                                         {"CACHE_ENABLED", "true"}};
  if (!add_cli_cache_channel(env)) {
    GTEST_SKIP() << "PostgreSQL without Redis shares no cache channel";
  }
  GatehouseProcess gh(env);
  gh.start();
  HttpClient c(gh.port());
  const TestUser admin = make_admin(gh, c, "importcache");
  const std::string list = "/users/?size=100";
  c.get(list, admin.auth());
  ASSERT_EQ(c.get(list, admin.auth()).header("X-Cache"), "HIT");
  auto r = run_import(gh, source);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto after = c.get(list, admin.auth());
  EXPECT_EQ(after.header("X-Cache"), "MISS");
  EXPECT_TRUE(contains(after.body, "cached-import@example.com")) << after.body;
}

TEST(ImportFastapiTemplate, KeysBeforeLastUsedAtImport) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("add_api_keys_table");
  source.add_user(4, "mid@example.com", "user", false, true);
  const std::string key = source.add_key(4, "k", "NULL");
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  auto r = run_import(gh, source);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "API keys: 1 imported")) << r.out;
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM api_keys WHERE last_used_at IS NULL"), "1");
}

// Emails are stored as sign-up would store them, so login finds them; an address sign-up
// would refuse is left out and reported (its control characters escaped), as are its keys.
TEST(ImportFastapiTemplate, EmailsAreNormalisedOrLeftOut) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("add_last_used_at");
  source.add_user(1, "Bob@Example.COM", "user", false, true);
  source.add_user(2, "ok@example.com", "user", false, true);
  source.exec(
      "INSERT INTO users (id, email, password, first_name, last_name, role, banned, verified) "
      "VALUES (3, E'bad\\r\\nX-Auth-Email: admin@example.com', 'x', 'F', 'L', 'user', false, "
      "true)");
  const std::string bad_key = source.add_key(3, "bad", "NULL");
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  auto r = run_import(gh, source);
  EXPECT_EQ(r.exit_code, kExitConflicts) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Users: 2 imported, 0 already present, 1 conflicts")) << r.out;
  EXPECT_TRUE(contains(r.out, "API keys: 0 imported, 0 already present, 1 conflicts")) << r.out;
  EXPECT_TRUE(
      contains(r.out, "  email: user 1 <Bob@Example.COM>: email stored as Bob@example.com\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "Users whose email was stored in its normal form: 1")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "  conflict: user 3 <bad\\x0d\\x0aX-Auth-Email: admin@example.com>: not a "
                       "valid email address"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "\r")) << r.out;
  EXPECT_EQ(query_scalar(gh, "SELECT email FROM users WHERE id = 1"), "Bob@example.com");
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM users WHERE id = 3"), "0");

  gh.start();
  HttpClient c(gh.port());
  EXPECT_EQ(login_request(c, "Bob@example.com", kTemplatePassword).status, 200);
  EXPECT_EQ(login_request(c, "Bob@Example.COM", kTemplatePassword).status, 200);
  EXPECT_EQ(me_with_key(c, bad_key).status, 401);

  // Found again under its normal form: present, not a conflict, and no email line.
  auto again = run_import(gh, source);
  EXPECT_EQ(again.exit_code, kExitConflicts) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "Users: 0 imported, 2 already present, 1 conflicts"))
      << again.out;
  EXPECT_FALSE(contains(again.out, "email stored as")) << again.out;
}

// A user already here keeps the role it has here: the source's admin role does not let its
// key keep an admin:* scope.
TEST(ImportFastapiTemplate, KeyScopesFollowTheRoleHere) {
  REQUIRE_TEST_POSTGRES();
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  auto existing = gh.run_command(
      {"user", "create", "-e", "promoted@example.com", "-f", "F", "-l", "L", "-p", kPassword});
  ASSERT_EQ(existing.exit_code, 0) << existing.err;
  const int id = std::stoi(query_scalar(gh, "SELECT id FROM users"));
  TemplateDatabase source("add_last_used_at");
  source.add_user(id, "promoted@example.com", "admin", false, true);
  source.add_key(id, "wide", "'{admin:read,users:read}'");
  auto r = run_import(gh, source);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Users: 0 imported, 1 already present")) << r.out;
  EXPECT_TRUE(
      contains(r.out, "(\"wide\", user " + std::to_string(id) + "): scopes dropped: admin:read\n"))
      << r.out;
  EXPECT_EQ(query_scalar(gh, "SELECT role FROM users WHERE id = " + std::to_string(id)), "user");
  const std::string scopes = query_scalar(gh, "SELECT scopes FROM api_keys");
  EXPECT_FALSE(contains(scopes, "admin")) << scopes;
  EXPECT_TRUE(contains(scopes, "users:read")) << scopes;
}

// Two imports of one source at the same time: each batch's check and insert hold the lock
// (advisory on PostgreSQL, the write lock on SQLite), so neither fails on a duplicate key and
// every row is there once.
TEST(ImportFastapiTemplate, ConcurrentImportsImportEachRowOnce) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase source("add_last_used_at");
  constexpr int kUsers = 5000;
  source.exec(
      "INSERT INTO users (id, email, password, first_name, last_name, role, banned, verified) "
      "SELECT i, 'bulk' || i || '@example.com', '" +
      python_bcrypt_hash() + "', 'F', 'L', 'user', false, true FROM generate_series(1, " +
      std::to_string(kUsers) + ") AS i");
  source.exec(
      "INSERT INTO api_keys (id, user_id, key, name, scopes) SELECT gen_random_uuid(), i, "
      "md5(i::text) || md5(i::text), 'k', NULL FROM generate_series(1, " +
      std::to_string(kUsers) + ") AS i");
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  ASSERT_EQ(gh.run_command({"db", "upgrade"}).exit_code, 0);
  GatehouseProcess::RunResult first;
  GatehouseProcess::RunResult second;
  std::thread other([&] { second = run_import(gh, source); });
  first = run_import(gh, source);
  other.join();
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM users"), std::to_string(kUsers));
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM api_keys"), std::to_string(kUsers));
  // Between them, each row was imported once and found present once.
  for (const char* table : {"Users", "API keys"}) {
    const auto imported = [&](const std::string& out) {
      const std::string head = std::string(table) + ": ";
      const auto at = out.find(head);
      return at == std::string::npos ? -1 : std::stoll(out.substr(at + head.size()));
    };
    EXPECT_EQ(imported(first.out) + imported(second.out), kUsers) << first.out << second.out;
  }
}

TEST(ImportFastapiTemplate, RefusesDatabasesItDoesNotKnow) {
  REQUIRE_TEST_POSTGRES();
  TemplateDatabase bare("");
  bare.add_user(5, "bare@example.com", "user", false, true);
  GatehouseProcess gh{{"SECRET_KEY", kTemplateSecret}};
  auto r = run_import(gh, bare);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "no alembic_version table")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  expect_no_secrets(r, {});

  TemplateDatabase future("add_last_used_at");
  future.exec("UPDATE alembic_version SET version_num = 'b7c9d0e1f2a3'");
  future.add_user(6, "future@example.com", "user", false, true);
  auto unknown = run_import(gh, future);
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "unknown alembic revision 'b7c9d0e1f2a3'")) << unknown.err;

  auto not_pg = gh.run_command({"import", "fastapi-template", "mysql://u:p@h/db"});
  EXPECT_EQ(not_pg.exit_code, 1);

  // Nothing was written: the database holds no user.
  ASSERT_EQ(gh.run_command({"db", "upgrade"}).exit_code, 0);
  EXPECT_EQ(query_scalar(gh, "SELECT count(*) FROM users"), "0");
}

}  // namespace
}  // namespace gatehouse::testing
