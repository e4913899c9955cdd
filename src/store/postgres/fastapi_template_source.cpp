#include "store/postgres/fastapi_template_source.hpp"

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_dsn.hpp"
#include "store/postgres/pg_query.hpp"
#include "store/row_decoding.hpp"

namespace gatehouse::store::postgres {

namespace {

// The whole run reads one snapshot: a user created in the source after the users pass cannot
// show up as the owner of a key in the keys pass, and the counts match the pages. READ ONLY:
// the source is never written.
const std::string kBeginSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
const std::string kEndSnapshot = "ROLLBACK";
// to_regclass is NULL for a missing table, where a SELECT from it would abort with an error.
const std::string kHasAlembic = "SELECT to_regclass('alembic_version') IS NOT NULL";
const std::string kRevisions = "SELECT version_num FROM alembic_version ORDER BY version_num";
const std::string kCountUsers = "SELECT count(*) FROM users";
const std::string kCountKeys = "SELECT count(*) FROM api_keys";
// role::text: the template's roletype enum read as its name.
const std::string kUsers =
    "SELECT id, email, password, first_name, last_name, role::text, banned, verified FROM users "
    "WHERE id > $1::bigint ORDER BY id LIMIT $2::integer";
// Keyset paging on the uuid (its primary key index); '' asks for the first page.
const std::string kKeysColumns =
    "SELECT k.id::text, k.user_id, k.key, k.name, k.created_at, k.is_active, "
    "array_to_json(k.scopes), ";
const std::string kKeysFrom =
    ", u.role::text FROM api_keys AS k JOIN users AS u ON u.id = k.user_id "
    "WHERE $1 = '' OR k.id > NULLIF($1, '')::uuid ORDER BY k.id LIMIT $2::integer";
const std::string kKeys = kKeysColumns + "k.last_used_at" + kKeysFrom;
const std::string kKeysWithoutLastUsed = kKeysColumns + "NULL::timestamptz" + kKeysFrom;

Result<ImportedUser> decode_user(const PgRow& row) {
  ImportedUser u;
  u.id = row.int64(0).value_or(0);
  u.email = row.text(1);
  u.password_hash = row.text(2);
  u.first_name = row.text(3);
  u.last_name = row.text(4);
  u.role = row.text(5);
  u.banned = row.boolean(6).value_or(false);
  u.verified = row.boolean(7).value_or(false);
  return u;
}

Result<TemplateApiKey> decode_key(const PgRow& row) {
  TemplateApiKey out;
  ImportedApiKey& k = out.key;
  k.id = row.text(0);
  k.user_id = row.int64(1).value_or(0);
  k.key_hash = row.text(2);
  k.name = row.text(3);
  const auto created = parse_iso8601(row.text(4));
  if (!created) return Error::internal("api_keys.created_at: unreadable time " + row.text(4));
  k.created_at = *created;
  k.is_active = row.boolean(5).value_or(false);
  if (!row.is_null(6)) {
    k.scopes = decode_string_list(row.text(6));
    if (!k.scopes) return Error::internal("api_keys.scopes: not a list of strings");
  }
  if (!row.is_null(7)) {
    k.last_used_at = parse_iso8601(row.text(7));
    if (!k.last_used_at) return Error::internal("api_keys.last_used_at: unreadable time");
  }
  out.owner_is_admin = row.text(8) == "admin";
  return out;
}

class FastapiTemplateSource final : public TemplateSource {
 public:
  // `conn` is inside the kBeginSnapshot transaction.
  explicit FastapiTemplateSource(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}
  FastapiTemplateSource(const FastapiTemplateSource&) = delete;
  FastapiTemplateSource& operator=(const FastapiTemplateSource&) = delete;
  FastapiTemplateSource(FastapiTemplateSource&&) = delete;
  FastapiTemplateSource& operator=(FastapiTemplateSource&&) = delete;
  // Ends the snapshot: nothing was written, so a rollback is all a commit would do. Its error
  // is ignored: closing the connection right after ends the transaction anyway.
  ~FastapiTemplateSource() override { (void)execute(*conn_, kEndSnapshot, {}); }

  Result<std::optional<std::vector<std::string>>> revisions() override {
    auto has = execute(*conn_, kHasAlembic, {});
    if (!has) return has.error();
    if (!PgRow(*has, 0).boolean(0).value_or(false)) {
      return std::optional<std::vector<std::string>>();
    }
    auto res = execute(*conn_, kRevisions, {});
    if (!res) return res.error();
    auto names = decode_all<std::string>(
        *res, [](const PgRow& row) -> Result<std::string> { return row.text(0); });
    if (!names) return names.error();
    return std::optional<std::vector<std::string>>(std::move(*names));
  }

  Result<std::int64_t> count_users() override { return count(kCountUsers); }
  Result<std::int64_t> count_api_keys() override { return count(kCountKeys); }

  Result<std::vector<ImportedUser>> users_after(std::int64_t after_id, int limit) override {
    auto res = execute(*conn_, kUsers, {param(after_id), param(std::int64_t{limit})});
    if (!res) return res.error();
    return decode_all<ImportedUser>(*res, decode_user);
  }

  Result<std::vector<TemplateApiKey>> api_keys_after(const std::string& after_id, int limit,
                                                     bool has_last_used_at) override {
    auto res = execute(*conn_, has_last_used_at ? kKeys : kKeysWithoutLastUsed,
                       {param(after_id), param(std::int64_t{limit})});
    if (!res) return res.error();
    return decode_all<TemplateApiKey>(*res, decode_key);
  }

 private:
  Result<std::int64_t> count(const std::string& sql) {
    auto res = execute(*conn_, sql, {});
    if (!res) return res.error();
    return decode_scalar(*res);
  }

  std::unique_ptr<Connection> conn_;
};

}  // namespace

Result<std::unique_ptr<TemplateSource>> open_fastapi_template_source(const std::string& url,
                                                                     int connect_timeout_seconds) {
  ConnectOptions options;
  options.url = libpq_url(url);
  options.connect_timeout_seconds = connect_timeout_seconds;
  options.secrets = dsn_secrets(url);
  auto conn = Connection::open(options);
  if (!conn) return conn.error();
  if (auto begun = execute(**conn, kBeginSnapshot, {}); !begun) return begun.error();
  return std::unique_ptr<TemplateSource>(std::make_unique<FastapiTemplateSource>(std::move(*conn)));
}

}  // namespace gatehouse::store::postgres
