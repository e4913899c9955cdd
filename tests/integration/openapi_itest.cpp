// GET /openapi.json and `gatehouse openapi` (docs/http-api.md §8 "Service routes"): the same
// document, describing the routes the server actually has. Its schemas are checked against
// every exchange of the integration tests by openapi.traffic_check, and linted by
// openapi.lint (tests/integration/CMakeLists.txt).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

json::object parse_document(const std::string& text) { return json::parse(text).as_object(); }

TEST(OpenApi, ServedDocumentIsTheCommandsDocument) {
  GatehouseProcess server({{"METRICS_ENABLED", "true"}, {"API_TITLE", "Doc Test"}});
  server.start();
  HttpClient c(server.port());
  const auto served = c.get("/openapi.json");
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(served.header("Content-Type"), "application/json");
  const auto printed = server.run_command({"openapi"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(parse_document(served.body), parse_document(printed.out));

  const std::string file = server.data_dir() + "/openapi.json";
  const auto written = server.run_command({"openapi", "--output", file});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(parse_document(text.str()), parse_document(served.body));

  const auto doc = parse_document(served.body);
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("info").at("title"), "Doc Test");
  EXPECT_TRUE(doc.at("paths").as_object().contains("/metrics"));
}

// Every route of the table is in the document, with the access rule and scope it enforces.
TEST(OpenApi, RoutesCarryTheirSecurityScopeAndErrors) {
  GatehouseProcess server;
  server.start();
  HttpClient c(server.port());
  const auto doc = parse_document(c.get("/openapi.json").body);
  const auto& paths = doc.at("paths").as_object();
  EXPECT_FALSE(paths.contains("/metrics")) << "METRICS_ENABLED is off: no such route";

  const auto& me = paths.at("/users/me").at("get").as_object();
  EXPECT_EQ(me.at("x-required-scope"), "users:read");
  EXPECT_EQ(me.at("security").as_array().size(), 2u) << "bearer or API key";
  for (const char* status : {"200", "401", "403", "429"}) {
    EXPECT_TRUE(me.at("responses").as_object().contains(status)) << status;
  }
  // A key cannot mint keys: only the bearer scheme.
  const auto& create = paths.at("/users/keys").at("post").as_object();
  EXPECT_EQ(create.at("security").as_array().size(), 1u);
  EXPECT_TRUE(create.at("security").at(0).as_object().contains("BearerAuth"));

  // The request body is rendered from the fields the reader reads, with their limits.
  const auto& schemas = doc.at("components").at("schemas").as_object();
  const auto& reg = schemas.at("UserRegisterRequest").as_object();
  EXPECT_EQ(reg.at("properties").at("first_name").at("maxLength"), 30);
  EXPECT_EQ(reg.at("required").as_array().size(), 4u);
  const auto& login = paths.at("/login/").at("post").as_object();
  EXPECT_EQ(login.at("security").as_array().size(), 0u) << "public";
  EXPECT_TRUE(login.at("responses").as_object().contains("429")) << "rate limited";
  EXPECT_TRUE(login.at("responses").as_object().contains("422"));
  // Query parameters with their bounds and defaults.
  const auto& list = paths.at("/users/").at("get").as_object();
  bool saw_size = false;
  for (const auto& p : list.at("parameters").as_array()) {
    if (p.at("name") != "size") continue;
    saw_size = true;
    EXPECT_EQ(p.at("schema").at("maximum"), 100);
    EXPECT_EQ(p.at("schema").at("default"), 50);
  }
  EXPECT_TRUE(saw_size);
}

TEST(OpenApi, PathsCarryApiRoot) {
  GatehouseProcess server({{"API_ROOT", "/api/v2"}});
  server.start();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/api/v2/openapi.json").status, 404) << "never under API_ROOT";
  const auto doc = parse_document(c.get("/openapi.json").body);
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v2/users/me"));
  EXPECT_FALSE(doc.at("paths").as_object().contains("/users/me"));
}

}  // namespace
}  // namespace gatehouse::testing
