// Password policy: each rule, their order, the bundled common-password list, guessability
// (zxcvbn), code-point length counting, the email rules and bcrypt's 72-byte limit.
#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <string>
#include <string_view>

#include "crypto/common_passwords.hpp"
#include "crypto/guessability.hpp"
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
  // Exactly 128; a strong start, since 124 repeated letters alone are guessable.
  EXPECT_EQ(check("Correct-Horse-42" + std::string(112, 'a')), "ok");
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
  // Equal to the local part: "alice.smith" alone is guessable (a first name and a surname),
  // so the earlier rule speaks; a local part that is not guessable shows the email rule.
  EXPECT_EQ(check("alice.smith", s, email), "Password is too common");
  EXPECT_EQ(check("QX7.Vorpal.Zebu", s, "qx7.vorpal.zebu@example.com"),
            "Password must not contain your email");
  EXPECT_EQ(check("my-Alice.Smith-pass", s, email), "Password must not contain your email");
  // Not containing the local part, but made of the address's words: guessable by whoever
  // targets this account (the last rule), while fine for someone else.
  EXPECT_EQ(check("alice-smith-pass", s, email), "Password is too common");
  EXPECT_EQ(check("alice-smith-pass", s, "bob@example.com"), "ok");
  EXPECT_EQ(check("alice-smith-Vorpal-Zebu", s, email), "ok");
  // A local part shorter than 3 characters is only refused when equal — and a password that
  // short is too common before that rule is reached.
  EXPECT_EQ(check("jo", s, "jo@example.com"), "Password is too common");
  EXPECT_EQ(check("JO", s, "jo@example.com"), "Password is too common");
  EXPECT_EQ(check("jolly-roger-flag", s, "jo@example.com"), "ok");
  // Three characters: containing it is enough.
  EXPECT_EQ(check("bobsled-race-x", s, "bob@example.com"), "Password must not contain your email");
  // No email known: the rule is skipped.
  EXPECT_EQ(check("my-Alice.Smith-pass", s, ""), "ok");
  // With the default rules in front.
  EXPECT_EQ(check("Alice.Smith-2024"), "Password must not contain your email");
}

TEST(PasswordPolicy, BcryptByteLimit) {
  PolicySettings b;
  b.bcrypt = true;
  std::string at_limit = "Correct-Horse-42";  // a strong start: 56 repeated letters are not
  at_limit += std::string(56, 'x');
  ASSERT_EQ(at_limit.size(), 72u);
  EXPECT_EQ(check(at_limit, b), "ok");
  EXPECT_EQ(check(at_limit + "x", b), "Password must be 72 bytes or fewer when encoded as UTF-8");
  // 40 characters but 76 bytes: within the character limit, over the byte limit.
  std::string accents = "Aa1!";
  for (int i = 0; i < 36; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(check(accents, b), "Password must be 72 bytes or fewer when encoded as UTF-8");
  EXPECT_EQ(check(accents), "ok");  // Argon2id: no byte limit
}

// Issue 9, item 8: each passed every rule while only the exact bundled list was checked.
TEST(PasswordPolicy, GuessablePasswordsAreTooCommon) {
  for (const char* pw : {"Password123!", "P@ssw0rd1234", "Welcome2024!", "Qwerty123456!",
                         "Summer2024!!", "Admin@123456"}) {
    EXPECT_EQ(check(pw), "Password is too common") << pw;
    EXPECT_EQ(check(pw, kDefaults, ""), "Password is too common") << pw << " without an email";
  }
  // More disguises of the same few words.
  for (const char* pw : {"Passw0rd!2023", "Iloveyou2024!", "Qwertyuiop1!", "Dragon1234$$",
                         "Aa1!aaaaaaaaaaaa", "Abcdefgh123!"}) {
    EXPECT_EQ(check(pw), "Password is too common") << pw;
  }
}

// 16 characters drawn uniformly (libsodium) from all four classes, one of each guaranteed.
std::string strong_random_password() {
  static constexpr std::string_view kClasses[] = {"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                                  "abcdefghijklmnopqrstuvwxyz", "0123456789",
                                                  "!@#$%^&*()-_=+[]{};:,.<>/?~"};
  std::string all;
  for (auto c : kClasses) all += c;
  std::string pw;
  for (auto c : kClasses) pw += c[randombytes_uniform(static_cast<std::uint32_t>(c.size()))];
  while (pw.size() < 16) pw += all[randombytes_uniform(static_cast<std::uint32_t>(all.size()))];
  for (std::size_t i = pw.size() - 1; i > 0; --i) {  // Fisher-Yates: the four are not in front
    std::swap(pw[i], pw[randombytes_uniform(static_cast<std::uint32_t>(i + 1))]);
  }
  return pw;
}

TEST(PasswordPolicy, StrongRandomPasswordsPass) {
  ASSERT_GE(sodium_init(), 0);
  for (int i = 0; i < 20; ++i) {
    const std::string pw = strong_random_password();
    EXPECT_EQ(check(pw), "ok") << pw << " scored " << guess_bits(pw, {}) << " bits";
  }
  // Passphrases and long passwords too.
  EXPECT_EQ(check("correct horse battery staple",
                  [] {
                    PolicySettings s;
                    s.require_classes = false;
                    return s;
                  }()),
            "ok");
  EXPECT_EQ(check("Tr0ub4dor&3 but longer"), "ok");
}

TEST(PasswordPolicy, TheAccountsOwnWordsCount) {
  // Strong for anyone else; guessable for the owner of the address it is made from.
  PolicySettings no_classes;
  no_classes.require_classes = false;
  // Leetspeak of the local part.
  EXPECT_EQ(check("4l1c3.5m1th-2024", no_classes), "Password is too common");
  EXPECT_EQ(check("4l1c3.5m1th-2024", no_classes, "bob@example.org"), "ok");
  EXPECT_EQ(check("Acme-Corp-1!", kDefaults, "bob@acme-corp.com"), "Password is too common");
  EXPECT_EQ(check("Acme-Corp-1!", kDefaults, "bob@example.org"), "ok");
}

TEST(PasswordPolicy, LongPasswordsAreJudgedByTheirStrongestEnd) {
  // Over kScoredBytes: a strong first or last 64 bytes is enough...
  EXPECT_EQ(check("Correct-Horse-42" + std::string(100, 'a')), "ok");
  EXPECT_EQ(check(std::string(100, 'a') + "Correct-Horse-42"), "ok");
  // ...but length alone is not strength: both ends of this one are guessable.
  EXPECT_EQ(check("Aa1!" + std::string(124, 'a')), "Password is too common");
  // A multi-byte character at the cut is not split (UTF-8 stays valid for zxcvbn).
  std::string accents = "Correct-Horse-42";
  for (int i = 0; i < 50; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(check(accents), "ok");
}

TEST(PasswordPolicy, EmailWords) {
  EXPECT_EQ(email_words("Alice.Smith+news@Mail.Example.com"),
            (std::vector<std::string>{"alice.smith+news@mail.example.com", "alice.smith+news",
                                      "alice", "smith", "news", "mail", "example"}));
  EXPECT_EQ(email_words("jo@x.org"), (std::vector<std::string>{"jo@x.org"}));
  EXPECT_TRUE(email_words("").empty());
}

}  // namespace
}  // namespace gatehouse::crypto
