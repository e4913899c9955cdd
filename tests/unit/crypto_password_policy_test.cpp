// Password policy: each rule, their order, the bundled common-password list, code-point length
// counting, the email rules and bcrypt's 72-byte limit.
#include <gtest/gtest.h>

#include <string>

#include "crypto/common_passwords.hpp"
#include "crypto/password_policy.hpp"

namespace gatehouse::crypto {
namespace {

const PolicySettings kDefaults;
const char* kEmail = "alice.smith@example.com";
const char* kGood = "Correct-Horse-42";

std::string check(std::string_view pw, const PolicySettings& s = kDefaults,
                  std::string_view email = kEmail) {
  return check_password(pw, email, s).value_or("ok");
}

TEST(PasswordPolicy, GoodPasswordPasses) { EXPECT_EQ(check(kGood), "ok"); }

TEST(PasswordPolicy, EachRule) {
  EXPECT_EQ(check("Aa1!aaaaaaa"), "Password must be at least 12 characters");
  EXPECT_EQ(check("Aa1!" + std::string(125, 'a')), "Password must be at most 128 characters");
  EXPECT_EQ(check("Aa1!" + std::string(124, 'a')), "ok");  // exactly 128
  EXPECT_EQ(check("correct-horse-42"), "Password must contain an uppercase letter");
  EXPECT_EQ(check("CORRECT-HORSE-42"), "Password must contain a lowercase letter");
  EXPECT_EQ(check("Correct-Horse-xx"), "Password must contain a digit");
  EXPECT_EQ(check("CorrectHorse42xx"), "Password must contain a symbol");
  EXPECT_EQ(check("Correct Horse 42"), "ok");  // a space is a symbol
}

TEST(PasswordPolicy, ConfiguredLimitsAppearInMessages) {
  PolicySettings s;
  s.min_length = 17;  // kGood has 16
  s.max_length = 20;
  EXPECT_EQ(check(kGood, s), "Password must be at least 17 characters");
  EXPECT_EQ(check("Correct-Horse-42-Battery", s), "Password must be at most 20 characters");
}

TEST(PasswordPolicy, FirstFailingRuleWins) {
  // Too short, no upper case, no digit, no symbol: the length rule is reported.
  EXPECT_EQ(check("abc"), "Password must be at least 12 characters");
  // Long enough; no upper case, no digit, no symbol: upper case first.
  EXPECT_EQ(check("abcdefghijklmn"), "Password must contain an uppercase letter");
  // No lower case and no digit: lower case first.
  EXPECT_EQ(check("ABCDEFGHIJKL!"), "Password must contain a lowercase letter");
  // Common and containing the email: common first.
  PolicySettings s;
  s.min_length = 8;
  EXPECT_EQ(check("P@ssw0rd", s, "p@ssw0rd"), "Password is too common");
  // Too long under bcrypt and missing classes: the byte limit comes right after max length.
  PolicySettings b;
  b.bcrypt = true;
  EXPECT_EQ(check(std::string(80, 'a'), b),
            "Password must be 72 bytes or fewer when encoded as UTF-8");
}

TEST(PasswordPolicy, ClassesCanBeTurnedOff) {
  PolicySettings s;
  s.require_classes = false;
  EXPECT_EQ(check("correct horse battery staple", s), "ok");
}

TEST(PasswordPolicy, CommonListIsBundled) {
  EXPECT_GE(common_password_count(), 10000u);
  EXPECT_TRUE(is_common_password("password"));
  EXPECT_TRUE(is_common_password("PASSWORD"));  // case-insensitive
  EXPECT_TRUE(is_common_password("qwertyuiop"));
  EXPECT_FALSE(is_common_password("Correct-Horse-42"));
  EXPECT_FALSE(is_common_password(""));
  EXPECT_FALSE(is_common_password("# Common passwords"));  // the header line is not an entry
}

TEST(PasswordPolicy, CommonPasswordRejected) {
  // "Password123!" is not in the zxcvbn list; "p030710p$e4o" is, and with a capital letter it
  // passes every other rule at the default length of 12.
  ASSERT_FALSE(is_common_password("Password123!"));
  ASSERT_TRUE(is_common_password("p030710p$e4o"));
  EXPECT_EQ(check("P030710p$e4o"), "Password is too common");
  PolicySettings s;
  s.min_length = 8;
  ASSERT_TRUE(is_common_password("p@ssw0rd"));
  EXPECT_EQ(check("P@ssw0rd", s), "Password is too common");
  s.require_classes = false;
  EXPECT_EQ(check("qwertyuiop", s), "Password is too common");
}

TEST(PasswordPolicy, LengthCountsCodePoints) {
  // 11 code points in 19 bytes: too short, although over 12 bytes.
  std::string eleven =
      "\xC3\x89"
      "a1!";                                         // "Éa1!"
  for (int i = 0; i < 7; ++i) eleven += "\xC3\xA9";  // "é"
  ASSERT_EQ(eleven.size(), 19u);
  EXPECT_EQ(check(eleven), "Password must be at least 12 characters");
  // 12 code points with a 4-byte emoji: long enough, and the emoji counts as a symbol.
  EXPECT_EQ(check("Aa1bcdefghi\xF0\x9F\x94\x91"), "ok");
  // 129 code points in 254 bytes: over the maximum of 128.
  std::string many = "Aa1!";
  for (int i = 0; i < 125; ++i) many += "\xC3\xA9";
  EXPECT_EQ(check(many), "Password must be at most 128 characters");
}

TEST(PasswordPolicy, EmailRules) {
  PolicySettings s;
  s.min_length = 1;
  s.require_classes = false;
  const char* email = "Alice.Smith@Example.com";
  EXPECT_EQ(check("alice.smith@example.com", s, email), "Password must not contain your email");
  EXPECT_EQ(check("xxALICE.SMITH@EXAMPLE.COMyy", s, email), "Password must not contain your email");
  EXPECT_EQ(check("alice.smith", s, email), "Password must not contain your email");
  EXPECT_EQ(check("my-Alice.Smith-pass", s, email), "Password must not contain your email");
  EXPECT_EQ(check("alice-smith-pass", s, email), "ok");
  // A local part shorter than 3 characters is only refused when equal.
  EXPECT_EQ(check("jo", s, "jo@example.com"), "Password must not contain your email");
  EXPECT_EQ(check("JO", s, "jo@example.com"), "Password must not contain your email");
  EXPECT_EQ(check("jolly-roger-flag", s, "jo@example.com"), "ok");
  // Three characters: containing it is enough.
  EXPECT_EQ(check("bobsled-race-x", s, "bob@example.com"), "Password must not contain your email");
  // No email known: the rule is skipped.
  EXPECT_EQ(check("alice.smith", s, ""), "ok");
  // With the default rules in front.
  EXPECT_EQ(check("Alice.Smith-2024"), "Password must not contain your email");
}

TEST(PasswordPolicy, BcryptByteLimit) {
  PolicySettings b;
  b.bcrypt = true;
  std::string at_limit = "Aa1!";
  at_limit += std::string(68, 'x');
  ASSERT_EQ(at_limit.size(), 72u);
  EXPECT_EQ(check(at_limit, b), "ok");
  EXPECT_EQ(check(at_limit + "x", b), "Password must be 72 bytes or fewer when encoded as UTF-8");
  // 40 characters but 76 bytes: within the character limit, over the byte limit.
  std::string accents = "Aa1!";
  for (int i = 0; i < 36; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(check(accents, b), "Password must be 72 bytes or fewer when encoded as UTF-8");
  EXPECT_EQ(check(accents), "ok");  // Argon2id: no byte limit
}

}  // namespace
}  // namespace gatehouse::crypto
