// The notes extension through its own server binary (gatehouse-notes), on SQLite and on
// PostgreSQL: CRUD, owner isolation, validation with nothing stored, scopes of API keys, its
// migration and OpenAPI entries, and its absence from the default gatehouse binary.
#include <gtest/gtest.h>

#include <cstdlib>

#include "integration/auth_test_support.hpp"
#include "integration/harness.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

class Notes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GatehouseProcess();
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static GatehouseProcess& server() { return *server_; }
  static GatehouseProcess* server_;
};
GatehouseProcess* Notes::server_ = nullptr;

std::string note(const std::string& title, const std::string& body) {
  return to_json(json::object{{"title", title}, {"body", body}});
}

std::string make_key(HttpClient& c, const TestUser& u, const json::value& scopes) {
  const auto r = c.request("POST", "/users/keys", u.auth(),
                           to_json(json::object{{"name", "notes"}, {"scopes", scopes}}));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? std::string(parse_json(r.body).at("key").as_string()) : "";
}

TEST_F(Notes, OwnerWritesReadsRewritesAndDeletes) {
  HttpClient c(server().port());
  const TestUser u = verified_login(server(), c, "notes");
  const auto created = c.request("POST", "/notes/", u.auth(), note("Shopping", "milk"));
  ASSERT_EQ(created.status, 201) << created.body;
  const json::object n = parse_json(created.body).as_object();
  EXPECT_EQ(n.at("title"), json::value("Shopping"));
  const std::string path = "/notes/" + std::to_string(n.at("id").as_int64());

  const auto listed = c.get("/notes/", u.auth());
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(parse_json(listed.body).as_array().size(), 1u);
  EXPECT_EQ(parse_json(c.get(path, u.auth()).body).at("body"), json::value("milk"));

  const auto rewritten = c.request("PUT", path, u.auth(), note("Shopping", "milk, bread"));
  ASSERT_EQ(rewritten.status, 200) << rewritten.body;
  EXPECT_EQ(parse_json(c.get(path, u.auth()).body).at("body"), json::value("milk, bread"));

  EXPECT_EQ(c.request("DELETE", path, u.auth()).status, 204);
  EXPECT_EQ(c.get(path, u.auth()).status, 404);
  EXPECT_EQ(c.request("DELETE", path, u.auth()).status, 404);
  EXPECT_EQ(c.get("/notes/").status, 401) << "anonymous";
}

TEST_F(Notes, AnotherUsersNoteIsNotFoundAndUntouched) {
  HttpClient c(server().port());
  const TestUser owner = verified_login(server(), c, "noteowner");
  const TestUser other = verified_login(server(), c, "noteother");
  const auto created = c.request("POST", "/notes/", owner.auth(), note("Mine", "secret"));
  ASSERT_EQ(created.status, 201);
  const std::string path = "/notes/" + std::to_string(parse_json(created.body).at("id").as_int64());
  const auto read = c.get(path, other.auth());
  EXPECT_EQ(read.status, 404);
  EXPECT_EQ(read.body, R"({"detail":"Note not found"})");
  EXPECT_EQ(c.request("PUT", path, other.auth(), note("Theirs", "x")).status, 404);
  EXPECT_EQ(c.request("DELETE", path, other.auth()).status, 404);
  EXPECT_TRUE(parse_json(c.get("/notes/", other.auth()).body).as_array().empty());
  EXPECT_EQ(parse_json(c.get(path, owner.auth()).body).at("body"), json::value("secret"));
}

TEST_F(Notes, BadInputIs422AndStoresNothing) {
  HttpClient c(server().port());
  const TestUser u = verified_login(server(), c, "notebad");
  for (const std::string& body :
       {note("", "x"), note(std::string(201, 't'), "x"), std::string(R"({"body":"x"})"),
        note("t", std::string(10001, 'b')), std::string(R"({"title":5})"), std::string("{")}) {
    const auto r = c.request("POST", "/notes/", u.auth(), body);
    EXPECT_EQ(r.status, 422) << body.substr(0, 40) << ": " << r.body;
  }
  EXPECT_TRUE(parse_json(c.get("/notes/", u.auth()).body).as_array().empty());
  EXPECT_EQ(c.get("/notes/abc", u.auth()).status, 422) << "a note_id that is not an integer";
}

TEST_F(Notes, ApiKeysNeedTheNotesScopes) {
  HttpClient c(server().port());
  const TestUser u = verified_login(server(), c, "notekeys");
  const std::string reader = make_key(c, u, json::array{"notes:read"});
  EXPECT_EQ(c.get("/notes/", {{"X-API-Key", reader}}).status, 200);
  const auto refused = c.request("POST", "/notes/", {{"X-API-Key", reader}}, note("k", "v"));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body, R"({"detail":"API key lacks the required scope: notes:write"})");
  // A key for users:read only reaches no note.
  const std::string other = make_key(c, u, json::array{"users:read"});
  EXPECT_EQ(c.get("/notes/", {{"X-API-Key", other}}).status, 403);
  // A key with the user's full rights (null scopes) writes.
  const std::string full = make_key(c, u, json::value(nullptr));
  EXPECT_EQ(c.request("POST", "/notes/", {{"X-API-Key", full}}, note("k", "v")).status, 201);
  // Forward authentication tells a proxy about the notes scopes too.
  const auto check = c.get("/auth/check", u.auth());
  EXPECT_EQ(check.status, 204);
  EXPECT_NE(check.header("X-Auth-Scopes").value_or("").find("notes:read notes:write"),
            std::string::npos)
      << check.header("X-Auth-Scopes").value_or("(none)");
  EXPECT_EQ(c.get("/auth/check", {{"X-API-Key", reader}}).header("X-Auth-Scopes"), "notes:read");
  // Names outside the vocabulary are still refused.
  const auto unknown =
      c.request("POST", "/users/keys", u.auth(),
                to_json(json::object{{"name", "bad"}, {"scopes", json::array{"notes:delete"}}}));
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(parse_json(c.get("/notes/", u.auth()).body).as_array().size(), 1u);
}

TEST_F(Notes, MigratedAndDocumented) {
  HttpClient c(server().port());
  EXPECT_EQ(query_scalar(server(), "SELECT max(version) FROM schema_migrations"), "5001");
  const auto doc = c.get("/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json::object d = parse_json(doc.body).as_object();
  EXPECT_TRUE(d.at("paths").as_object().contains("/notes/"));
  EXPECT_TRUE(d.at("paths").as_object().contains("/notes/{note_id}"));
  EXPECT_TRUE(d.at("components").at("schemas").as_object().contains("Note"));
}

TEST(NotesOutsideTheExtension, DefaultBinaryHasNoNotes) {
  // The same harness, pointed back at the default gatehouse binary.
  ::unsetenv("GATEHOUSE_TEST_SERVER_BINARY");
  GatehouseProcess plain;
  plain.start();
  HttpClient c(plain.port());
  const TestUser u = verified_login(plain, c, "nonotes");
  EXPECT_EQ(c.get("/notes/", u.auth()).status, 404);
  EXPECT_EQ(query_scalar(plain, "SELECT count(*) FROM schema_migrations WHERE version >= 5000"),
            "0");
}

}  // namespace
}  // namespace gatehouse::testing
