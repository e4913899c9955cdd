// The small parsers behind the config loader: .env lines, values, URLs.
#include <gtest/gtest.h>

#include <string>

#include "config/dotenv.hpp"
#include "config/log_values.hpp"
#include "config/text.hpp"
#include "config/urls.hpp"
#include "config/values.hpp"
#include "core/percent.hpp"

namespace gatehouse::config::detail {
namespace {

TEST(DotenvTest, ParsesValuesQuotesAndComments) {
  const DotenvFile f = parse_dotenv(
      "\xEF\xBB\xBF# comment\n"
      "A=1\n"
      "export b = two words # comment\n"
      "C=\"x\\ty\\\\z\\q\" # after\n"
      "D='lit \\n #x' # comment\n"
      "E=\n"
      "F=a#b\n"
      "  # indented comment\n"
      "G=\"\"\n",
      "test.env");
  EXPECT_TRUE(f.errors.empty());
  ASSERT_EQ(f.entries.size(), 7u);
  EXPECT_EQ(f.entries[0].key, "A");
  EXPECT_EQ(f.entries[0].value, "1");
  EXPECT_EQ(f.entries[0].line, 2);
  EXPECT_EQ(f.entries[1].key, "B");
  EXPECT_EQ(f.entries[1].value, "two words");
  EXPECT_EQ(f.entries[2].value, "x\ty\\z\\q");
  EXPECT_EQ(f.entries[3].value, "lit \\n #x");
  EXPECT_EQ(f.entries[4].key, "E");
  EXPECT_EQ(f.entries[4].value, "");
  EXPECT_EQ(f.entries[5].value, "a#b");
  EXPECT_EQ(f.entries[6].value, "");
}

TEST(DotenvTest, ReportsMalformedLinesWithoutTheirContent) {
  const DotenvFile f =
      parse_dotenv("=value\nNO_EQUALS\n1KEY=x\nK=\"open\nK='a' trailing\nOK=1\nexport\n", "my.env");
  ASSERT_EQ(f.errors.size(), 6u);
  EXPECT_EQ(f.errors[0].rfind("my.env:1: malformed line", 0), 0u);
  EXPECT_EQ(f.errors[1].rfind("my.env:2: ", 0), 0u);
  EXPECT_EQ(f.errors[2].rfind("my.env:3: ", 0), 0u);
  EXPECT_EQ(f.errors[3].rfind("my.env:4: ", 0), 0u);
  EXPECT_EQ(f.errors[4].rfind("my.env:5: ", 0), 0u);
  EXPECT_EQ(f.errors[5].rfind("my.env:7: ", 0), 0u);
  for (const std::string& e : f.errors) EXPECT_EQ(e.find("open"), std::string::npos);
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].key, "OK");
}

TEST(DotenvTest, MissingFileIsNotFound) {
  const DotenvFile f = read_dotenv_file("/nonexistent/dir/.env");
  EXPECT_FALSE(f.found);
  EXPECT_TRUE(f.errors.empty());
}

TEST(ValuesTest, Integers) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer(" -7 "), -7);
  EXPECT_EQ(parse_integer("+5"), 5);
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_integer("4 2"));
  EXPECT_FALSE(parse_integer("1e3"));
  EXPECT_FALSE(parse_integer("0x10"));
  EXPECT_FALSE(parse_integer("99999999999999999999"));
}

TEST(ValuesTest, Booleans) {
  for (const char* t : {"true", "TRUE", "1", "yes", "On"}) EXPECT_EQ(parse_bool(t), true) << t;
  for (const char* f : {"false", "0", "NO", "off"}) EXPECT_EQ(parse_bool(f), false) << f;
  for (const char* bad : {"", "2", "y", "enabled"}) EXPECT_FALSE(parse_bool(bad)) << bad;
}

TEST(ValuesTest, IpOrCidr) {
  for (const char* ok : {"1.2.3.4", "1.2.3.4/32", "0.0.0.0/0", "::1", "2001:db8::/32", "::/0"}) {
    EXPECT_TRUE(is_ip_or_cidr(ok)) << ok;
  }
  for (const char* bad : {"", "1.2.3", "1.2.3.4/33", "::1/129", "1.2.3.4/", "1.2.3.4/ 8", "host",
                          "1.2.3.4/08x", "[::1]"}) {
    EXPECT_FALSE(is_ip_or_cidr(bad)) << bad;
  }
}

TEST(ValuesTest, NameUrlJson) {
  auto v = parse_name_url_json(R"( {"url":"u\u00e9\/x","name":"n","email":"e"} )");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->name, "n");
  EXPECT_EQ(v->url, "u\xC3\xA9/x");
  EXPECT_TRUE(parse_name_url_json("{}"));
  for (const char* bad :
       {"", "[]", "{", R"({"name":})", R"({"name":"a",})", R"({"a":"b"} x)", R"({"name":null})"}) {
    EXPECT_FALSE(parse_name_url_json(bad)) << bad;
  }
  EXPECT_EQ(name_url_json({"a\"b", "c"}), R"({"name":"a\"b","url":"c"})");
}

TEST(ValuesTest, LogRotationAndRetention) {
  EXPECT_EQ(parse_log_rotation("1 day")->seconds, 86400);
  EXPECT_EQ(parse_log_rotation("3 Hours")->seconds, 3 * 3600);
  EXPECT_EQ(parse_log_rotation("15 minutes")->seconds, 15 * 60);
  EXPECT_EQ(parse_log_rotation("10KB")->bytes, 10u * 1024);
  EXPECT_EQ(parse_log_rotation("1 gb")->bytes, 1024u * 1024 * 1024);
  for (const char* bad :
       {"", "day", "0 days", "1 fortnight", "00:00", "monday", "-1 day", "1.5 MB", "1 dayss"}) {
    EXPECT_FALSE(parse_log_rotation(bad)) << bad;
  }
  EXPECT_EQ(parse_log_retention("30 days")->seconds, 30 * 86400);
  EXPECT_EQ(parse_log_retention("1 week")->seconds, 7 * 86400);
  EXPECT_EQ(parse_log_retention("5 files")->files, 5);
  EXPECT_FALSE(parse_log_retention("1 MB"));
}

TEST(ValuesTest, LogCategories) {
  EXPECT_EQ(parse_log_categories("ALL").normalised, "ALL");
  EXPECT_EQ(parse_log_categories(" none ").normalised, "NONE");
  EXPECT_EQ(parse_log_categories("").normalised, "NONE");
  EXPECT_EQ(parse_log_categories("errors,auth,errors").normalised, "ERRORS,AUTH");
  const LogCategories c = parse_log_categories("api_keys, nope");
  EXPECT_EQ(c.normalised, "API_KEYS");
  EXPECT_EQ(c.unknown, std::vector<std::string>{"nope"});
}

TEST(UrlsTest, DatabaseUrls) {
  DatabaseUrl u = parse_database_url("sqlite:///./data/x.db");
  EXPECT_TRUE(u.error.empty());
  EXPECT_EQ(u.backend, DatabaseBackend::kSqlite);
  EXPECT_EQ(u.sqlite_path, "./data/x.db");
  EXPECT_EQ(u.url, "sqlite:///./data/x.db");
  EXPECT_EQ(parse_database_url("sqlite:////abs/path.db").sqlite_path, "/abs/path.db");
  EXPECT_EQ(parse_database_url("SQLite:///rel/x.db").sqlite_path, "rel/x.db");
  EXPECT_FALSE(parse_database_url("sqlite://x.db").error.empty());
  EXPECT_FALSE(parse_database_url("sqlite:///").error.empty());

  u = parse_database_url("postgresql+asyncpg://u:p%40w@h:5432/db");
  EXPECT_EQ(u.backend, DatabaseBackend::kPostgres);
  EXPECT_EQ(u.url, "postgresql://u:p%40w@h:5432/db");
  EXPECT_EQ(u.password, "p@w");
  EXPECT_FALSE(parse_database_url("postgres://u@h/db").password);
}

TEST(UrlsTest, SplitUrl) {
  auto p = split_url("redis://user:pw@[::1]:6380/4?x=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scheme, "redis");
  EXPECT_EQ(p->user, "user");
  EXPECT_EQ(p->password, "pw");
  EXPECT_EQ(p->host, "::1");
  EXPECT_EQ(p->port, "6380");
  EXPECT_EQ(p->path, "/4");
  EXPECT_FALSE(split_url("no-scheme"));
}

TEST(UrlsTest, RedisUrlDefaults) {
  const RedisUrl r = parse_redis_url("redis://");
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.host, "localhost");
  EXPECT_EQ(r.port, 6379);
  EXPECT_EQ(r.db, 0);
  EXPECT_FALSE(parse_redis_url("redis://h:0").error.empty());
}

TEST(TextTest, Helpers) {
  EXPECT_EQ(split_list(" a, ,b ,"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(quote("a\"b\n"), "\"a\\\"b\\x0a\"");
  EXPECT_EQ(percent_encode("a b/@~"), "a%20b%2F%40~");
  EXPECT_EQ(percent_decode("a%20b%zz%4"), "a b%zz%4");
  EXPECT_EQ(utf8_length("h\xC3\xA9llo"), 5u);
}

}  // namespace
}  // namespace gatehouse::config::detail
