// Email addresses: the reference's syntax rules, and internationalised domains normalised with
// IDNA2008 / UTS #46 to one stored form, so one mailbox is one account.
#include <gtest/gtest.h>

#include <string>

#include "core/email_address.hpp"

namespace gatehouse {
namespace {

// "exämple.com" with U+00E4 precomposed (NFC) and as a + U+0308 (NFD).
const std::string kNfc = "user@ex\xC3\xA4mple.com";
const std::string kNfd = "user@exa\xCC\x88mple.com";
const std::string kUpper = "user@EX\xC3\x84MPLE.COM";  // "EXÄMPLE.COM"
const std::string kALabel = "user@xn--exmple-cua.com";

std::string normalized(const std::string& text) {
  return check_email(text).normalized.value_or("invalid: " + check_email(text).reason);
}

TEST(EmailAddress, AsciiAddressesAreUnchangedButTheDomainIsLowerCased) {
  EXPECT_EQ(normalized("Jane.Doe+tag@Example.COM"), "Jane.Doe+tag@example.com");
  EXPECT_EQ(normalized("a@b-c.example.org"), "a@b-c.example.org");
  EXPECT_EQ(normalized("x@ab--cd.com"), "x@ab--cd.com");  // plain ASCII keeps today's rules
  EXPECT_EQ(email_with_ascii_domain("Jane.Doe@example.com"), "Jane.Doe@example.com");
}

TEST(EmailAddress, EveryFormOfAnInternationalisedDomainIsOneAddress) {
  EXPECT_EQ(normalized(kNfc), kNfc);
  EXPECT_EQ(normalized(kALabel), kNfc);
  EXPECT_EQ(normalized("user@XN--EXMPLE-CUA.COM"), kNfc);
  EXPECT_EQ(normalized(kUpper), kNfc);
  EXPECT_EQ(normalized(kNfd), kNfc);
  // Full-width letters and the ideographic full stop are mapped as well.
  EXPECT_EQ(normalized("user@\xEF\xBD\x85\xEF\xBD\x98\xEF\xBD\x81mple\xE3\x80\x82"
                       "com"),
            "user@example.com");
  // Only the domain: the local part keeps its case and its characters.
  EXPECT_EQ(normalized("J\xC3\xB6rg@EX\xC3\x84MPLE.com"), "J\xC3\xB6rg@ex\xC3\xA4mple.com");
}

TEST(EmailAddress, MailGoesToTheALabelForm) {
  EXPECT_EQ(email_with_ascii_domain(kNfc), kALabel);
  EXPECT_EQ(email_with_ascii_domain(*check_email(kALabel).normalized), kALabel);
  EXPECT_EQ(email_with_ascii_domain("J\xC3\xB6rg@m\xC3\xBCnchen.de"),
            "J\xC3\xB6rg@xn--mnchen-3ya.de");
  EXPECT_EQ(email_with_ascii_domain("user@fa\xC3\x9F.de"), "user@xn--fa-hia.de");  // ß kept
}

TEST(EmailAddress, DomainsIdnaRefusesAreInvalid) {
  for (const std::string& bad : {
           std::string("user@\xE2\x98\x83.com"),           // U+2603 SNOWMAN: disallowed
           std::string("user@xn--zz.com"),                 // not Punycode
           std::string("user@xn--n3h.com"),                // Punycode for the snowman
           std::string("user@x\xE2\x80\x8Dy.com"),         // ZERO WIDTH JOINER out of context
           std::string("user@\xFF.com"),                   // not UTF-8
           std::string("user@ex\xC3\xA4mple.ab--cd.com"),  // "--" in positions 3-4 of a label
       }) {
    const EmailCheck c = check_email(bad);
    EXPECT_FALSE(c.normalized) << bad << " -> " << c.normalized.value_or("");
    EXPECT_TRUE(c.reason.starts_with("The part after the @-sign is not valid IDNA (")) << c.reason;
  }
  // The usual rules still apply after IDNA.
  EXPECT_EQ(check_email("user@ex\xC3\xA4mple").reason,
            "The part after the @-sign is not valid. It should have a period.");
}

TEST(EmailAddress, ReferenceSyntaxRules) {
  EXPECT_EQ(check_email("no-at-sign").reason, "An email address must have an @-sign.");
  EXPECT_EQ(check_email("@example.com").reason, "There must be something before the @-sign.");
  EXPECT_EQ(check_email("a@").reason, "There must be something after the @-sign.");
  EXPECT_EQ(check_email(".a@example.com").reason,
            "The email address contains invalid dots before the @-sign.");
  EXPECT_EQ(check_email("a@example").reason,
            "The part after the @-sign is not valid. It should have a period.");
  EXPECT_EQ(check_email("a@-x.com").reason, "The part after the @-sign is not valid.");
  EXPECT_EQ(check_email("a@x.123").reason, "The part after the @-sign is not valid.");
}

}  // namespace
}  // namespace gatehouse
