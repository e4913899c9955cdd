// Standard Webhooks signatures: fixed vectors computed outside our code, the secret format
// and its refusals (which never echo the secret). That a Standard Webhooks library accepts
// what we sign is tested against the npm `standardwebhooks` in webhooks_receiver_test.
#include <gtest/gtest.h>

#include <string>

#include "webhooks/signature.hpp"

namespace gatehouse::webhooks {
namespace {

// The specification's test vector. Its signature, computed independently with OpenSSL:
//   KEYHEX=$(printf %s MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p -c 100)
//   printf %s 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' |
//     openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEYHEX -binary | base64
constexpr const char* kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(WebhookSignature, MatchesTheSpecificationVector) {
  const auto key = parse_secret(kSpecSecret);
  ASSERT_TRUE(key) << key.error().public_message;
  EXPECT_EQ(key->size(), 24u);
  EXPECT_EQ(sign(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

// A 32-byte key and a body with UTF-8 and an escaped newline, the same way:
//   KEYHEX=$(printf %s zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc= | base64 -d | xxd -p -c 100)
//   printf %s 'msg_42.1780000000.{"type":"user.updated","data":{"name":"Zoë\n"}}' |
//     openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEYHEX -binary | base64
TEST(WebhookSignature, MatchesAnOpenSslVector) {
  const auto key = parse_secret("whsec_zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc=");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 32u);
  EXPECT_EQ(sign(*key, "msg_42", 1780000000, R"({"type":"user.updated","data":{"name":"Zoë\n"}})"),
            "v1,WM2PoyP+SJCVbbhS4juWz12NrwQnSfFHzdf9w1OBVFE=");
}

TEST(WebhookSignature, EveryPartIsSigned) {
  const std::string key = *parse_secret(kSpecSecret);
  const std::string base = sign(key, "msg_1", 1700000000, "{}");
  EXPECT_NE(sign(key, "msg_2", 1700000000, "{}"), base);
  EXPECT_NE(sign(key, "msg_1", 1700000001, "{}"), base);
  EXPECT_NE(sign(key, "msg_1", 1700000000, "{ }"), base);
  EXPECT_NE(sign(key + "x", "msg_1", 1700000000, "{}"), base);
  EXPECT_EQ(sign(key, "msg_1", 1700000000, "{}"), base);
}

TEST(WebhookSignature, PaddingIsOptional) {
  const auto padded = parse_secret("whsec_zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc=");
  const auto unpadded = parse_secret("whsec_zrXeir0AUJcDdRbB8QB75FeM14fRHjIAosPJM6zHuIc");
  ASSERT_TRUE(padded);
  ASSERT_TRUE(unpadded);
  EXPECT_EQ(*padded, *unpadded);
}

TEST(WebhookSignature, BadSecretsAreRefusedWithoutEchoingThem) {
  struct Case {
    std::string secret;
    std::string says;
  };
  const Case cases[] = {
      {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with \"whsec_\""},
      {"WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with \"whsec_\""},
      {"", "must start with \"whsec_\""},
      {"whsec_", "not valid base64"},
      {"whsec_MfKQ9r8GKYqr!wjUPD8ILPZIo2LaLaSw", "not valid base64"},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS w", "not valid base64"},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", "not valid base64"},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=", "not valid base64"},  // non-canonical
      {"whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRY=", "at least 24 bytes (got 23)"},
      {"whsec_c2VjcmV0", "at least 24 bytes (got 6)"},
  };
  for (const Case& c : cases) {
    const auto key = parse_secret(c.secret, "WEBHOOK_SECRET");
    ASSERT_FALSE(key) << c.secret;
    const std::string& message = key.error().public_message;
    EXPECT_EQ(message.rfind("WEBHOOK_SECRET: ", 0), 0u) << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    const std::string body = c.secret.rfind("whsec_", 0) == 0 ? c.secret.substr(6) : c.secret;
    if (body.size() >= 4) {
      EXPECT_EQ(message.find(body), std::string::npos) << message;
    }
    EXPECT_EQ(message.find("MfKQ"), std::string::npos) << message;
  }
}

TEST(WebhookSignature, MessageIdsNameTheOutboxRow) {
  EXPECT_EQ(message_id(1), "msg_1");
  EXPECT_EQ(message_id(9007199254740993), "msg_9007199254740993");
}

}  // namespace
}  // namespace gatehouse::webhooks
