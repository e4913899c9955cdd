// Security fixes proved at unit level (the integration tests cover the others): every token
// has its own jti, names longer than the columns are a 422, the bcrypt cost is configurable.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>

#include "api/body_reader.hpp"
#include "config/settings.hpp"
#include "crypto/jwt.hpp"
#include "crypto/password_hasher.hpp"
#include "services/token_issuer.hpp"

namespace gatehouse {
namespace {

TEST(TokenIds, EveryTokenCarriesAUniqueJti) {
  auto codec = crypto::JwtCodec::create({"HS256", std::string(40, 's')});
  ASSERT_TRUE(codec);
  config::Settings settings;
  const services::TokenIssuer issuer(*codec, settings, store::now_utc);
  store::User user;
  user.id = 7;
  std::set<std::string> jtis;
  for (int i = 0; i < 50; ++i) {
    auto token = issuer.access(user, "00000000-0000-4000-8000-000000000001");
    ASSERT_TRUE(token);
    auto claims = issuer.decode(*token, crypto::TokenType::kAccess);
    ASSERT_TRUE(claims);
    EXPECT_FALSE(claims->jti.empty());
    jtis.insert(claims->jti);
  }
  EXPECT_EQ(jtis.size(), 50u) << "a jti identifies one token, so it can be revoked or spent";
}

TEST(FieldLengths, NamesLongerThanTheColumnsAreRefusedWithA422) {
  const auto body = boost::json::parse(R"({"first_name":")" + std::string(31, 'a') +
                                       R"(","last_name":")" + std::string(51, 'b') + R"("})")
                        .as_object();
  const api::FieldSet names{.schema_name = "Names",
                            .fields = {{.name = "first_name", .required = true, .max_length = 30},
                                       {.name = "last_name", .required = true, .max_length = 50}}};
  api::BodyReader r(body, names);
  EXPECT_FALSE(r.required_string("first_name"));
  EXPECT_FALSE(r.required_string("last_name"));
  const auto status = r.finish();
  ASSERT_FALSE(status);
  const Error e = status.error();
  ASSERT_EQ(e.fields.size(), 2u);
  EXPECT_EQ(e.fields[0].type, "string_too_long");
  EXPECT_EQ(e.fields[0].msg, "String should have at most 30 characters");
  EXPECT_EQ(e.fields[1].msg, "String should have at most 50 characters");
}

TEST(BcryptCost, IsConfigurableAndOutdatedCostsAreRehashed) {
  crypto::HashSettings five;
  five.algorithm = crypto::HashSettings::Algorithm::kBcrypt;
  five.bcrypt_rounds = 5;
  const crypto::PasswordHasher hasher(five);
  auto hash = hasher.hash("Correct-Horse-9");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$2b$05$", 0), 0u) << *hash;
  EXPECT_TRUE(hasher.verify("Correct-Horse-9", *hash));
  EXPECT_FALSE(hasher.needs_rehash(*hash));
  crypto::HashSettings six = five;
  six.bcrypt_rounds = 6;
  EXPECT_TRUE(crypto::PasswordHasher(six).needs_rehash(*hash));
}

}  // namespace
}  // namespace gatehouse
