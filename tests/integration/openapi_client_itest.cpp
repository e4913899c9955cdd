// A client generated from our OpenAPI document (openapi-typescript + openapi-fetch, type-checked
// by tsc: tests/node/client/) registers, verifies its email, logs in, reads /users/me, creates
// an API key and uses it, against the real server on this backend. Fails, never skips, when
// Node.js or tests/node/node_modules is missing (`scripts/node-tools` installs them).
#include <gtest/gtest.h>

#include "harness.hpp"

namespace gatehouse::testing {
namespace {

TEST(GeneratedClient, RunsTheSignUpFlowTypeChecked) {
  GatehouseProcess server;
  server.start();
  const std::string mail_dir = server.data_dir() + "/mail";
  const std::string script =
      std::string(GATEHOUSE_SOURCE_DIR) + "/tests/node/client/run-client.mjs";
  const auto ran = run_shell("node " + script + " --binary " + GATEHOUSE_BINARY +
                             " --base http://127.0.0.1:" + std::to_string(server.port()) +
                             " --mail-dir " + mail_dir);
  EXPECT_EQ(ran.status, 0) << ran.output;
  EXPECT_NE(ran.output.find("register, verify, login, me, API key: ok"), std::string::npos)
      << ran.output;
}

}  // namespace
}  // namespace gatehouse::testing
