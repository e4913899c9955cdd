// TOTP (crypto/totp.hpp) checked against RFC 6238's test vector and against oathtool, an
// implementation we did not write (Debian's oathtool, installed by scripts/bootstrap).
#include "crypto/totp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "crypto/random.hpp"
#include "support/oathtool.hpp"

namespace gatehouse::crypto {
namespace {

using gatehouse::testing::oathtool_code;

TEST(Totp, Rfc6238Sha1Vector) {
  const std::string secret = "12345678901234567890";
  // RFC 6238 Appendix B: T=59 → 94287082 (8 digits); authenticator apps use the last 6.
  EXPECT_EQ(totp_match(secret, "287082", 59, 0), 1u);
  // T=1111111109 → 07081804.
  EXPECT_EQ(totp_match(secret, "081804", 1111111109, 0), 1111111109u / 30);
}

TEST(Totp, AgreesWithOathtool) {
  for (int i = 0; i < 5; ++i) {
    const std::string secret = new_totp_secret();
    ASSERT_EQ(secret.size(), kTotpSecretBytes);
    const std::string b32 = base32_encode(secret);
    const std::int64_t now = 1'700'000'000 + i * 7919;
    const std::string code = oathtool_code(b32, now);
    ASSERT_EQ(code.size(), 6u) << code;
    EXPECT_EQ(totp_match(secret, code, now), static_cast<std::uint64_t>(now / 30)) << code;
  }
}

TEST(Totp, OneStepOfClockSkewEitherWayAndNoMore) {
  const std::string secret = new_totp_secret();
  const std::string b32 = base32_encode(secret);
  const std::int64_t now = 1'800'000'015;
  const std::string previous = oathtool_code(b32, now - 30);
  const std::string next = oathtool_code(b32, now + 30);
  const std::string two_back = oathtool_code(b32, now - 60);
  EXPECT_EQ(totp_match(secret, previous, now), static_cast<std::uint64_t>(now / 30 - 1));
  EXPECT_EQ(totp_match(secret, next, now), static_cast<std::uint64_t>(now / 30 + 1));
  if (two_back != previous && two_back != next && two_back != oathtool_code(b32, now)) {
    EXPECT_FALSE(totp_match(secret, two_back, now));
  }
}

TEST(Totp, MalformedCodesAreRefused) {
  const std::string secret = new_totp_secret();
  const std::int64_t now = 1'750'000'000;
  const std::string code = oathtool_code(base32_encode(secret), now);
  ASSERT_TRUE(totp_match(secret, code, now));
  for (const std::string& bad :
       {" " + code, code + " ", code.substr(0, 5), code + "0", std::string("12a456"),
        std::string(""), code.substr(0, 3) + " " + code.substr(3)}) {
    EXPECT_FALSE(is_totp_code_shaped(bad)) << "[" << bad << "]";
    EXPECT_FALSE(totp_match(secret, bad, now)) << "[" << bad << "]";
  }
  EXPECT_FALSE(totp_match(new_totp_secret(), code, now)) << "another secret's code";
}

TEST(Totp, Base32RoundTripsAndUriNamesIssuerAndAccount) {
  const std::string secret = new_totp_secret();
  const std::string b32 = base32_encode(secret);
  EXPECT_EQ(b32.size(), 32u);
  EXPECT_EQ(b32.find('='), std::string::npos);
  EXPECT_EQ(base32_decode(b32), secret);
  std::string lower = b32;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(base32_decode(lower), secret);
  EXPECT_FALSE(base32_decode("not base32!"));
  EXPECT_EQ(otpauth_uri("My App", "a+b@example.com", secret),
            "otpauth://totp/My%20App:a%2Bb%40example.com?secret=" + b32 +
                "&issuer=My%20App&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace gatehouse::crypto
