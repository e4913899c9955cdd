// Signing keys and their rotation over HTTP, on both backends (docs/http-api.md §2 "JWT",
// docs/decisions.md): GET /.well-known/jwks.json, the kid in our tokens, tokens of a previous
// ES256/RS256 key or HS256 secret accepted during a rotation and refused after it, API keys
// surviving a SECRET_KEY rotation, start-up refusals of unsuitable keys, and our tokens checked
// by an outside verifier (jose, tests/node/verify-jwks.mjs). Keys are made with `openssl` here.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

namespace json = boost::json;

// Runs a shell command; its exit status and what it printed (stdout and stderr).
struct Ran {
  int status = -1;
  std::string output;
};
Ran run(const std::string& command) {
  Ran r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

// A temporary directory, removed at the end of the test.
struct TempDir {
  std::string path = make_temp_dir();
  ~TempDir() { remove_tree(path); }
};

struct KeyPair {
  std::string private_file;
  std::string public_file;
};

// `spec`: an openssl genpkey algorithm and options, e.g. "EC -pkeyopt ec_paramgen_curve:P-256".
KeyPair make_key(const std::string& dir, const std::string& name, const std::string& spec) {
  KeyPair k{dir + "/" + name + ".pem", dir + "/" + name + ".pub.pem"};
  const Ran gen = run("openssl genpkey -algorithm " + spec + " -out " + k.private_file);
  const Ran pub = run("openssl pkey -in " + k.private_file + " -pubout -out " + k.public_file);
  if (gen.status != 0 || pub.status != 0) {
    throw std::runtime_error("openssl failed: " + gen.output + pub.output);
  }
  return k;
}

std::string key_spec(const std::string& alg) {
  return alg == "ES256" ? "EC -pkeyopt ec_paramgen_curve:P-256"
                        : "RSA -pkeyopt rsa_keygen_bits:2048";
}

json::object jwt_header(const std::string& token) {
  const auto v = parse_json(base64url_decode(token.substr(0, token.find('.'))));
  return v.is_object() ? v.as_object() : json::object();
}

std::string kid_of(const std::string& token) {
  const auto h = jwt_header(token);
  const auto* kid = h.if_contains("kid");
  return kid != nullptr && kid->is_string() ? std::string(kid->as_string()) : "";
}

std::vector<std::string> jwks_kids(const HttpResponse& r) {
  std::vector<std::string> kids;
  const auto v = parse_json(r.body);
  if (!v.is_object() || !v.as_object().contains("keys")) return kids;
  for (const auto& k : v.as_object().at("keys").as_array()) {
    kids.emplace_back(k.as_object().at("kid").as_string());
  }
  return kids;
}

int me_status(HttpClient& c, const std::string& token) {
  return c.get("/users/me", bearer(token)).status;
}

void expect_invalid_token(HttpClient& c, const std::string& token, const std::string& what) {
  const auto r = c.get("/users/me", bearer(token));
  EXPECT_EQ(r.status, 401) << what << ": " << r.body;
  EXPECT_EQ(detail_of(r), kInvalidToken) << what;
}

void restart(GatehouseProcess& server) {
  server.stop();
  server.start();
}

// Key A, then B with A as previous key, then B alone (docs/authentication.md "Signing keys and
// rotation").
void rotate_asymmetric(const std::string& alg) {
  TempDir dir;
  const KeyPair a = make_key(dir.path, "a", key_spec(alg));
  const KeyPair b = make_key(dir.path, "b", key_spec(alg));
  GatehouseProcess server({{"JWT_ALGORITHM", alg}, {"JWT_PRIVATE_KEY_FILE", a.private_file}});
  server.start();
  HttpClient first(server.port());
  const TestUser u = verified_login(server, first);
  const std::string token_a = u.tokens.token;
  EXPECT_EQ(jwt_header(token_a).at("alg").as_string(), alg);
  const auto first_jwks = first.get("/.well-known/jwks.json");
  EXPECT_EQ(first_jwks.status, 200) << first_jwks.body;
  EXPECT_EQ(jwks_kids(first_jwks), std::vector<std::string>{kid_of(token_a)}) << first_jwks.body;

  server.set_env("JWT_PRIVATE_KEY_FILE", b.private_file);
  server.set_env("JWT_PREVIOUS_PUBLIC_KEY_FILES", a.public_file);
  restart(server);
  std::string token_b;
  {
    HttpClient c(server.port());
    EXPECT_EQ(me_status(c, token_a), 200) << "a previous key still verifies";
    token_b = login(c, u.email).token;
    ASSERT_FALSE(token_b.empty());
    EXPECT_EQ(me_status(c, token_b), 200);
    EXPECT_NE(kid_of(token_b), kid_of(token_a));
    EXPECT_FALSE(kid_of(token_b).empty());
    const auto jwks = c.get("/.well-known/jwks.json");
    EXPECT_EQ(jwks.status, 200);
    EXPECT_EQ(jwks_kids(jwks), (std::vector<std::string>{kid_of(token_b), kid_of(token_a)}))
        << "the signing key first, then the previous one: " << jwks.body;
    EXPECT_EQ(jwks.body.find("\"d\""), std::string::npos) << "no private part: " << jwks.body;
  }

  server.set_env("JWT_PREVIOUS_PUBLIC_KEY_FILES", "");
  restart(server);
  HttpClient c(server.port());
  expect_invalid_token(c, token_a, "the retired key's token");
  EXPECT_EQ(me_status(c, token_b), 200);
  EXPECT_EQ(jwks_kids(c.get("/.well-known/jwks.json")), std::vector<std::string>{kid_of(token_b)});
}

TEST(JwksRotation, Es256PreviousKeyVerifiesUntilRemoved) { rotate_asymmetric("ES256"); }
TEST(JwksRotation, Rs256PreviousKeyVerifiesUntilRemoved) { rotate_asymmetric("RS256"); }

TEST(JwksEndpoint, HeadersAndPlaceOutsideApiRoot) {
  TempDir dir;
  const KeyPair k = make_key(dir.path, "k", key_spec("ES256"));
  GatehouseProcess server(
      {{"JWT_ALGORITHM", "ES256"}, {"JWT_PRIVATE_KEY_FILE", k.private_file}, {"API_ROOT", "/api"}});
  server.start();
  HttpClient c(server.port());
  const auto r = c.get("/.well-known/jwks.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Cache-Control").value_or(""), "public, max-age=300");
  EXPECT_EQ(r.header("Content-Type").value_or("").rfind("application/json", 0), 0u);
  const auto key = parse_json(r.body).as_object().at("keys").as_array().at(0).as_object();
  EXPECT_EQ(key.at("kty").as_string(), "EC");
  EXPECT_EQ(key.at("crv").as_string(), "P-256");
  EXPECT_EQ(key.at("alg").as_string(), "ES256");
  EXPECT_EQ(key.at("use").as_string(), "sig");
  EXPECT_EQ(c.get("/api/.well-known/jwks.json").status, 404);
}

TEST(JwksEndpoint, Hs256HasNoKeySetAndNeverShowsTheSecret) {
  GatehouseProcess server;
  server.start();
  HttpClient c(server.port());
  const auto r = c.get("/.well-known/jwks.json");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(r.body.find(server.env().at("SECRET_KEY")), std::string::npos);
}

// HS256: SECRET_KEY S1, then S2 with PREVIOUS_SECRET_KEYS=S1, then S2 alone. An API key made
// under S1 is re-keyed on its first use during the rotation, so it outlives it.
TEST(SecretRotation, PreviousSecretVerifiesTokensAndApiKeys) {
  GatehouseProcess server;
  server.start();
  const std::string s1 = server.env().at("SECRET_KEY");
  const std::string s2 = random_hex(32);
  HttpClient first(server.port());
  const TestUser u = verified_login(server, first);
  const std::string token_1 = u.tokens.token;
  EXPECT_EQ(kid_of(token_1), "") << "HS256 tokens carry no kid";
  const auto created = first.request("POST", "/users/keys", u.auth(), R"({"name":"rotation"})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string api_key(parse_json(created.body).as_object().at("key").as_string());

  server.set_env("SECRET_KEY", s2);
  server.set_env("PREVIOUS_SECRET_KEYS", s1);
  restart(server);
  std::string token_2;
  {
    HttpClient c(server.port());
    EXPECT_EQ(me_status(c, token_1), 200) << "a token of the previous secret";
    EXPECT_EQ(c.get("/users/me", {{"X-API-Key", api_key}}).status, 200)
        << "an API key stored under the previous secret";
    token_2 = login(c, u.email).token;
    EXPECT_EQ(me_status(c, token_2), 200);
    const auto jwks = c.get("/.well-known/jwks.json");
    EXPECT_EQ(jwks.status, 404);
    EXPECT_EQ(jwks.body.find(s1), std::string::npos);
    EXPECT_EQ(jwks.body.find(s2), std::string::npos);
  }

  server.set_env("PREVIOUS_SECRET_KEYS", "");
  restart(server);
  HttpClient c(server.port());
  expect_invalid_token(c, token_1, "a token of the retired secret");
  EXPECT_EQ(me_status(c, token_2), 200);
  EXPECT_EQ(c.get("/users/me", {{"X-API-Key", api_key}}).status, 200)
      << "the API key was re-keyed to the current secret during the rotation";
  const std::string log = server.stderr_text() + server.log_text();
  EXPECT_EQ(log.find(s1), std::string::npos) << "no secret in the logs";
  EXPECT_EQ(log.find(s2), std::string::npos) << "no secret in the logs";
}

// ---------------------------------------------------------------- start-up refusals

std::map<std::string, std::string> refusal_env(const std::string& dir) {
  return {{"DATA_DIR", dir + "/data"},
          {"LOG_PATH", dir + "/logs"},
          {"SECRET_KEY", random_hex(32)},
          {"DATABASE_URL", "sqlite:///" + dir + "/data/gatehouse.db"}};
}

// Refuses to start, naming `variable`, the file and `reason`, and shows no key material.
void expect_key_refusal(const std::map<std::string, std::string>& env, const std::string& dir,
                        const std::string& variable, const std::string& file,
                        const std::string& reason) {
  const auto r = run_gatehouse(env, {"serve", "--port", "0"}, dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const auto& part : {variable, file, reason}) {
    EXPECT_NE(r.err.find(part), std::string::npos) << part << " in:\n" << r.err;
  }
  EXPECT_EQ(r.err.find("KEY-----"), std::string::npos) << "no key material: " << r.err;
}

// For JWT_PRIVATE_KEY_FILE and for each of JWT_PREVIOUS_PUBLIC_KEY_FILES.
TEST(StartupErrors, UnsuitableKeysNameTheVariableAndFile) {
  TempDir dir;
  const KeyPair ec = make_key(dir.path, "ec", key_spec("ES256"));
  const KeyPair rsa = make_key(dir.path, "rsa", key_spec("RS256"));
  const KeyPair p384 = make_key(dir.path, "p384", "EC -pkeyopt ec_paramgen_curve:P-384");
  const KeyPair rsa1024 = make_key(dir.path, "rsa1024", "RSA -pkeyopt rsa_keygen_bits:1024");
  std::ofstream(dir.path + "/junk.pem") << "-----BEGIN PUBLIC KEY-----\nnot base64\n";
  auto env = refusal_env(dir.path);
  env["JWT_ALGORITHM"] = "ES256";
  env["JWT_PRIVATE_KEY_FILE"] = p384.private_file;
  expect_key_refusal(env, dir.path, "JWT_PRIVATE_KEY_FILE", "p384.pem", "P-256");
  env["JWT_PRIVATE_KEY_FILE"] = dir.path + "/junk.pem";
  expect_key_refusal(env, dir.path, "JWT_PRIVATE_KEY_FILE", "junk.pem", "not a valid");
  env["JWT_ALGORITHM"] = "RS256";
  env["JWT_PRIVATE_KEY_FILE"] = rsa1024.private_file;
  expect_key_refusal(env, dir.path, "JWT_PRIVATE_KEY_FILE", "rsa1024.pem", "2048");

  env["JWT_ALGORITHM"] = "ES256";
  env["JWT_PRIVATE_KEY_FILE"] = ec.private_file;
  const std::string variable = "JWT_PREVIOUS_PUBLIC_KEY_FILES";
  env[variable] = ec.public_file + "," + dir.path + "/junk.pem";
  expect_key_refusal(env, dir.path, variable, "junk.pem", "not a valid EC P-256 public key");
  env[variable] = p384.public_file;
  expect_key_refusal(env, dir.path, variable, "p384.pub.pem", "P-256");
  env[variable] = rsa.public_file;
  expect_key_refusal(env, dir.path, variable, "rsa.pub.pem", "ES256 needs an EC key");
  env["JWT_ALGORITHM"] = "RS256";
  env["JWT_PRIVATE_KEY_FILE"] = rsa.private_file;
  env[variable] = rsa1024.public_file;
  expect_key_refusal(env, dir.path, variable, "rsa1024.pub.pem", "2048");
  env[variable] = ec.public_file;
  expect_key_refusal(env, dir.path, variable, "ec.pub.pem", "RS256 needs an RSA key");
  env[variable] = dir.path + "/absent.pem";
  expect_key_refusal(env, dir.path, variable, "absent.pem", "No such file or directory");
}

TEST(StartupErrors, WeakPreviousSecretIsRefused) {
  TempDir dir;
  auto env = refusal_env(dir.path);
  env["PREVIOUS_SECRET_KEYS"] = random_hex(32) + ",CHANGE_ME";
  auto r = run_gatehouse(env, {"serve", "--port", "0"}, dir.path);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("PREVIOUS_SECRET_KEYS (key 2)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("CHANGE_ME"), std::string::npos) << "the value is not shown: " << r.err;
  env["PREVIOUS_SECRET_KEYS"] = "short";
  r = run_gatehouse(env, {"serve", "--port", "0"}, dir.path);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("PREVIOUS_SECRET_KEYS (key 1) must be at least 32 characters"),
            std::string::npos)
      << r.err;
}

// ---------------------------------------------------------------- an outside verifier

// Our tokens and key set, checked by jose (createLocalJWKSet + jwtVerify). Fails, never
// skips, when Node.js or tests/node/node_modules is missing: `scripts/node-tools` installs it.
void verify_with_jose(const std::string& alg) {
  const std::string script = std::string(GATEHOUSE_SOURCE_DIR) + "/tests/node/verify-jwks.mjs";
  const Ran node = run("node --version");
  ASSERT_EQ(node.status, 0) << "Node.js is required for this test: " << node.output;
  TempDir dir;
  const KeyPair k = make_key(dir.path, "k", key_spec(alg));
  GatehouseProcess server({{"JWT_ALGORITHM", alg}, {"JWT_PRIVATE_KEY_FILE", k.private_file}});
  server.start();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c);
  const auto jwks = c.get("/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  const std::string jwks_file = dir.path + "/jwks.json";
  std::ofstream(jwks_file) << jwks.body;
  const std::string command =
      "node " + script + " --jwks " + jwks_file + " --issuer gatehouse --alg " + alg + " ";

  const Ran good = run(command + u.tokens.token + " " + u.tokens.refresh);
  EXPECT_EQ(good.status, 0) << "jose refused our " << alg << " tokens:\n" << good.output;

  // The same signature over another payload (another sub) must not verify.
  const std::string& t = u.tokens.token;
  const std::size_t dot1 = t.find('.');
  const std::size_t dot2 = t.find('.', dot1 + 1);
  json::object payload = jwt_payload(t);
  payload["sub"] = "999999";
  const std::string tampered =
      t.substr(0, dot1 + 1) + base64url_encode(to_json(payload)) + t.substr(dot2);
  const Ran bad = run(command + tampered);
  EXPECT_EQ(bad.status, 1) << "jose accepted a tampered token:\n" << bad.output;
  EXPECT_NE(bad.output.find("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"), std::string::npos)
      << bad.output;
  const Ran wrong_issuer = run("node " + script + " --jwks " + jwks_file +
                               " --issuer someone-else --alg " + alg + " " + t);
  EXPECT_EQ(wrong_issuer.status, 1) << wrong_issuer.output;
}

TEST(JwksOutsideVerifier, JoseVerifiesEs256Tokens) { verify_with_jose("ES256"); }
TEST(JwksOutsideVerifier, JoseVerifiesRs256Tokens) { verify_with_jose("RS256"); }

}  // namespace
}  // namespace gatehouse::testing
