// API keys: format, the HMAC-SHA256 hash stored for them, and the constant-time prefix check.
#include <gtest/gtest.h>

#include <string>

#include "crypto/api_key_codec.hpp"
#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"

namespace gatehouse::crypto {
namespace {

TEST(ApiKey, GeneratedFormat) {
  const std::string key = generate_api_key();
  ASSERT_EQ(key.size(), 3u + 43u);
  EXPECT_EQ(key.substr(0, 3), "pk_");
  const auto bytes = base64url_decode(key.substr(3));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 32u);
  EXPECT_NE(generate_api_key(), key);
  EXPECT_EQ(generate_api_key("sk_test_").substr(0, 8), "sk_test_");
}

TEST(ApiKey, HmacSha256KnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(api_key_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, PreparedKeyMatchesTheOneShotFunction) {
  // RFC 4231 test case 2, then keys of every size around the SHA-256 block (64 bytes), which
  // longer keys are hashed down to.
  const HmacSha256Key jefe("Jefe");
  EXPECT_EQ(hex_encode(jefe.sign("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(jefe.sign("a second message"), hmac_sha256("Jefe", "a second message"))
      << "the prepared key is not consumed by use";
  for (const std::size_t n : {0u, 1u, 32u, 63u, 64u, 65u, 200u}) {
    const std::string key(n, 'k');
    const HmacSha256Key prepared(key);
    EXPECT_EQ(prepared.sign("message"), hmac_sha256(key, "message")) << n;
    EXPECT_EQ(prepared.sign(""), hmac_sha256(key, "")) << n;
  }
}

TEST(ApiKey, HashIsKeyedAndStable) {
  const std::string key = generate_api_key();
  const std::string h = api_key_hash("secret-one", key);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(api_key_hash("secret-one", key), h);
  EXPECT_NE(api_key_hash("secret-two", key), h);
  // The secret is used as its UTF-8 bytes, as the Python template does.
  EXPECT_EQ(api_key_hash("s\xC3\xA9", "k"), hex_encode(hmac_sha256("s\xC3\xA9", "k")));
}

TEST(ApiKey, PrefixCheckIsConstantTime) {
  EXPECT_TRUE(has_prefix_constant_time("pk_abc", "pk_"));
  EXPECT_TRUE(has_prefix_constant_time("pk_", "pk_"));
  EXPECT_FALSE(has_prefix_constant_time("pk", "pk_"));
  EXPECT_FALSE(has_prefix_constant_time("", "pk_"));
  EXPECT_FALSE(has_prefix_constant_time("PK_abc", "pk_"));
  EXPECT_FALSE(has_prefix_constant_time("sk_abc", "pk_"));
  EXPECT_TRUE(has_prefix_constant_time("anything", ""));
}

}  // namespace
}  // namespace gatehouse::crypto
