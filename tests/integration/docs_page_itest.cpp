// The {API_ROOT}/docs page (docs/http-api.md §8 "Service routes"): Swagger UI served by the
// binary itself, driven in Debian's headless Chromium by tests/node/docs-page.mjs. Fails,
// never skips, when Node.js, tests/node/node_modules or /usr/bin/chromium is missing
// (scripts/bootstrap and scripts/node-tools install them).
#include <gtest/gtest.h>

#include "auth_test_support.hpp"
#include "harness.hpp"

namespace gatehouse::testing {
namespace {

TEST(DocsPage, RendersUnderItsCspAndAuthorizesBothSchemes) {
  GatehouseProcess server({{"API_ROOT", "/api/v1"}, {"API_TITLE", "Docs Page Test"}});
  server.start();
  HttpClient c(server.port());
  // The page and its files are the server's own, under API_ROOT.
  const auto page = c.get("/api/v1/docs");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("Content-Security-Policy")->find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(c.get("/api/v1/docs/ui/swagger-ui-bundle.js").status, 200);
  EXPECT_EQ(c.get("/api/v1/docs/ui/../../openapi.json").status, 404);

  // A user and an API key made through the API, for the page's Authorize dialog.
  const std::string email = unique_email("docs");
  ASSERT_EQ(c.request("POST", "/api/v1/register/", {}, to_json(registration(email))).status, 202);
  const std::string code = verify_code_for(server, email);
  ASSERT_EQ(c.get("/api/v1/verify/?code=" + percent_encode(code)).status, 204);
  const auto signed_in =
      c.request("POST", "/api/v1/login/", {},
                to_json(boost::json::object{{"email", email}, {"password", kPassword}}));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string token(parse_json(signed_in.body).at("token").as_string());
  const auto key = c.request("POST", "/api/v1/users/keys", bearer(token), R"({"name":"docs"})");
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string api_key(parse_json(key.body).at("key").as_string());

  const std::string script = std::string(GATEHOUSE_SOURCE_DIR) + "/tests/node/docs-page.mjs";
  const auto ran = run_shell(
      "node " + script + " --base http://127.0.0.1:" + std::to_string(server.port()) +
      " --root /api/v1 --title 'Docs Page Test' --token " + token + " --api-key " + api_key);
  EXPECT_EQ(ran.status, 0) << ran.output;
}

}  // namespace
}  // namespace gatehouse::testing
