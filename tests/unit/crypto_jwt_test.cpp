// JwtCodec: the one encoder/decoder of every token type, algorithm pinning, rotation, required
// claims and the pre-crypto guards (docs/http-api.md §2 "JWT").
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "crypto/encoding.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"

namespace gatehouse::crypto {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSecret = "test-secret-key-of-at-least-32-bytes!";
const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

JwtCodec hs256(std::string secret = kSecret, std::vector<std::string> previous = {}) {
  JwtSettings s;
  s.secret = std::move(secret);
  s.previous_secrets = std::move(previous);
  auto codec = JwtCodec::create(std::move(s));
  if (!codec) throw std::runtime_error(codec.error().cause);
  return std::move(*codec);
}

Claims claims_for(TokenType type) {
  Claims c;
  c.sub = "42";
  c.typ = type;
  c.jti = "jti-" + std::string(token_type_name(type));
  c.iat = kNow - 10;
  c.exp = kNow + 600;
  c.sid = "5f1c2a9e-6d3b-4c8e-9a7f-2b1d0e3c4a5b";
  return c;
}

std::string encode(const JwtCodec& codec, const Claims& c) {
  auto token = codec.encode(c);
  if (!token) throw std::runtime_error(token.error().cause);
  return *token;
}

// A token built by hand: header and payload exactly as given, HMAC-SHA256 with OpenSSL.
std::string hand_signed(std::string_view header, std::string_view payload,
                        std::string_view secret = kSecret, const EVP_MD* md = EVP_sha256()) {
  const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), mac_len));
}

// The members of a valid access token's payload, without the braces.
const std::string kValidClaims =
    R"("sub":"42","typ":"access","jti":"j1","iat":1699999990,"exp":1700000600,)"
    R"("iss":"gatehouse","sid":"s1")";

std::string object(std::string_view members) { return "{" + std::string(members) + "}"; }

void expect_invalid(const Result<Claims>& r, const std::string& what = "") {
  ASSERT_FALSE(r) << what;
  EXPECT_TRUE(r.error().is(ErrorCode::kTokenInvalid)) << what;
  EXPECT_EQ(r.error().public_message, "That token is Invalid") << what;
}

TEST(Jwt, RoundTripEveryTokenType) {
  const JwtCodec codec = hs256();
  for (auto type : {TokenType::kAccess, TokenType::kRefresh, TokenType::kVerify, TokenType::kReset,
                    TokenType::kMfa}) {
    const Claims in = claims_for(type);
    auto out = codec.decode(encode(codec, in), type, kNow);
    ASSERT_TRUE(out) << token_type_name(type) << ": " << out.error().public_message;
    EXPECT_EQ(out->sub, "42");
    EXPECT_EQ(out->typ, type);
    EXPECT_EQ(out->jti, in.jti);
    EXPECT_EQ(out->iat, in.iat);
    EXPECT_EQ(out->exp, in.exp);
    EXPECT_EQ(out->iss, "gatehouse");
    EXPECT_EQ(out->sid, in.sid);
  }
}

TEST(Jwt, HeaderIsPinnedAndSubIsAString) {
  const JwtCodec codec = hs256();
  const std::string token = encode(codec, claims_for(TokenType::kAccess));
  const auto header = base64url_decode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header);
  EXPECT_EQ(*header, R"({"alg":"HS256","typ":"JWT"})");
  const auto first_dot = token.find('.');
  const auto body = base64url_decode(token.substr(first_dot + 1, token.rfind('.') - first_dot - 1));
  ASSERT_TRUE(body);
  EXPECT_NE(body->find(R"("sub":"42")"), std::string::npos) << *body;
  EXPECT_NE(body->find(R"("typ":"access")"), std::string::npos) << *body;
}

TEST(Jwt, VerifyAndResetTokensMayOmitSid) {
  const JwtCodec codec = hs256();
  Claims c = claims_for(TokenType::kVerify);
  c.sid.clear();
  auto out = codec.decode(encode(codec, c), TokenType::kVerify, kNow);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->sid.empty());
}

TEST(Jwt, EncodeRefusesIncompleteClaims) {
  const JwtCodec codec = hs256();
  Claims no_sid = claims_for(TokenType::kRefresh);
  no_sid.sid.clear();
  EXPECT_FALSE(codec.encode(no_sid));
  Claims no_sub = claims_for(TokenType::kReset);
  no_sub.sub.clear();
  EXPECT_FALSE(codec.encode(no_sub));
}

TEST(Jwt, ExpiredTokenSaysExpired) {
  const JwtCodec codec = hs256();
  Claims c = claims_for(TokenType::kAccess);
  c.exp = kNow;  // exp <= now is expired
  auto out = codec.decode(encode(codec, c), TokenType::kAccess, kNow);
  ASSERT_FALSE(out);
  EXPECT_TRUE(out.error().is(ErrorCode::kTokenExpired));
  EXPECT_EQ(out.error().public_message, "That token has Expired");
  EXPECT_TRUE(codec.decode(encode(codec, c), TokenType::kAccess, kNow - 1));
}

TEST(Jwt, OtherSecretRejected) {
  const std::string token =
      encode(hs256("another-secret-also-32-bytes-long!!"), claims_for(TokenType::kAccess));
  expect_invalid(hs256().decode(token, TokenType::kAccess, kNow));
}

TEST(Jwt, PreviousSecretAcceptedDuringRotation) {
  const std::string old_secret = "the-old-secret-that-is-being-rotated";
  const std::string token = encode(hs256(old_secret), claims_for(TokenType::kRefresh));
  EXPECT_TRUE(hs256(kSecret, {old_secret}).decode(token, TokenType::kRefresh, kNow));
  expect_invalid(hs256(kSecret).decode(token, TokenType::kRefresh, kNow));
  // New tokens are signed with the current secret only.
  const std::string fresh = encode(hs256(kSecret, {old_secret}), claims_for(TokenType::kRefresh));
  EXPECT_TRUE(hs256(kSecret).decode(fresh, TokenType::kRefresh, kNow));
}

TEST(Jwt, WrongIssuerRejected) {
  const JwtCodec codec = hs256();
  Claims c = claims_for(TokenType::kAccess);
  c.iss = "someone-else";
  expect_invalid(codec.decode(encode(codec, c), TokenType::kAccess, kNow));
  expect_invalid(
      codec.decode(
          hand_signed(
              kHeader,
              R"({"sub":"42","typ":"access","jti":"j","iat":1,"exp":1700000600,"sid":"s"})"),
          TokenType::kAccess, kNow),
      "no iss");
}

TEST(Jwt, HandBuiltValidTokenAccepted) {
  // The baseline for the hand-built negative cases below.
  EXPECT_TRUE(hs256().decode(hand_signed(kHeader, object(kValidClaims)), TokenType::kAccess, kNow));
}

TEST(Jwt, AccessAndRefreshNeedSid) {
  const JwtCodec codec = hs256();
  const std::string no_sid =
      R"({"sub":"42","typ":"access","jti":"j","iat":1,"exp":1700000600,"iss":"gatehouse"})";
  expect_invalid(codec.decode(hand_signed(kHeader, no_sid), TokenType::kAccess, kNow));
  const std::string int_sid =
      R"({"sub":"42","typ":"access","jti":"j","iat":1,"exp":1700000600,"iss":"gatehouse","sid":7})";
  expect_invalid(codec.decode(hand_signed(kHeader, int_sid), TokenType::kAccess, kNow));
}

TEST(Jwt, Hs512TokenRejected) {
  const std::string header = R"({"alg":"HS512","typ":"JWT"})";
  const std::string token = hand_signed(header, object(kValidClaims), kSecret, EVP_sha512());
  expect_invalid(hs256().decode(token, TokenType::kAccess, kNow));
}

TEST(Jwt, AlgNoneRejected) {
  const std::string header = base64url_encode(R"({"alg":"none","typ":"JWT"})");
  const std::string body = base64url_encode(object(kValidClaims));
  // With an empty signature the shape guard refuses it; with any signature libjwt and the pin do.
  expect_invalid(hs256().decode(header + "." + body + ".", TokenType::kAccess, kNow));
  expect_invalid(hs256().decode(header + "." + body + ".AAAA", TokenType::kAccess, kNow));
  const std::string upper = base64url_encode(R"({"alg":"None","typ":"JWT"})");
  expect_invalid(hs256().decode(upper + "." + body + ".AAAA", TokenType::kAccess, kNow));
}

TEST(JwtTokenType, RefreshTokenIsNotAnAccessToken) {
  const JwtCodec codec = hs256();
  expect_invalid(
      codec.decode(encode(codec, claims_for(TokenType::kRefresh)), TokenType::kAccess, kNow));
  expect_invalid(
      codec.decode(encode(codec, claims_for(TokenType::kAccess)), TokenType::kRefresh, kNow));
  expect_invalid(
      codec.decode(encode(codec, claims_for(TokenType::kVerify)), TokenType::kReset, kNow));
  expect_invalid(
      codec.decode(encode(codec, claims_for(TokenType::kMfa)), TokenType::kAccess, kNow));
}

TEST(JwtTokenType, TypeComparedExactly) {
  const JwtCodec codec = hs256();
  for (const char* typ : {"Access", "access ", "acces", "accessx", ""}) {
    const std::string p = std::string(R"({"sub":"42","typ":")") + typ +
                          R"(","jti":"j","iat":1,"exp":1700000600,"iss":"gatehouse","sid":"s"})";
    expect_invalid(codec.decode(hand_signed(kHeader, p), TokenType::kAccess, kNow), typ);
  }
}

TEST(JwtRequiredClaims, MissingRequiredClaimsAreInvalidNotACrash) {
  const JwtCodec codec = hs256();
  const std::string all[] = {R"("sub":"42")", R"("typ":"access")", R"("jti":"j1")",
                             R"("iat":1699999990)", R"("exp":1700000600)"};
  for (std::size_t skip = 0; skip < std::size(all); ++skip) {
    std::string p = "{";
    for (std::size_t i = 0; i < std::size(all); ++i) {
      if (i != skip) p += all[i] + ",";
    }
    p += R"("iss":"gatehouse","sid":"s1"})";
    expect_invalid(codec.decode(hand_signed(kHeader, p), TokenType::kAccess, kNow), p);
  }
  // Not an object, empty object, wrong types.
  for (const char* p : {"[]", "{}", "null", "\"str\"", "42"}) {
    expect_invalid(codec.decode(hand_signed(kHeader, p), TokenType::kAccess, kNow), p);
  }
  // Each entry replaces one claim of an otherwise valid access token with a wrong type.
  const std::string tail = R"("iss":"gatehouse","sid":"s"})";
  const std::string wrong_types[] = {
      R"({"sub":"42","typ":"access","jti":"j","iat":1,"exp":"1700000600",)" + tail,
      R"({"sub":"42","typ":"access","jti":"j","iat":1,"exp":1700000600.5,)" + tail,
      R"({"sub":"42","typ":"access","jti":"j","iat":"1","exp":1700000600,)" + tail,
      R"({"sub":"42","typ":"access","jti":7,"iat":1,"exp":1700000600,)" + tail,
      R"({"sub":"42","typ":["access"],"jti":"j","iat":1,"exp":1700000600,)" + tail,
      R"({"sub":"","typ":"access","jti":"j","iat":1,"exp":1700000600,)" + tail,
      R"({"sub":null,"typ":"access","jti":"j","iat":1,"exp":1700000600,)" + tail,
      R"({"sub":"42","typ":"access","jti":"j","iat":1,"exp":99999999999999999999999,)" + tail,
  };
  for (const auto& p : wrong_types) {
    expect_invalid(codec.decode(hand_signed(kHeader, p), TokenType::kAccess, kNow), p);
  }
  // Not JSON at all, correctly signed.
  expect_invalid(codec.decode(hand_signed(kHeader, "not json"), TokenType::kAccess, kNow));
  expect_invalid(
      codec.decode(hand_signed("not json", object(kValidClaims)), TokenType::kAccess, kNow));
}

TEST(Jwt, SignatureMustBeTheWholeHmac) {
  const JwtCodec codec = hs256();
  const std::string good = hand_signed(kHeader, object(kValidClaims));
  ASSERT_TRUE(codec.decode(good, TokenType::kAccess, kNow));
  const std::string input = good.substr(0, good.rfind('.') + 1);
  const std::string mac = *base64url_decode(good.substr(good.rfind('.') + 1));
  // A prefix of the right MAC, the MAC with a byte more, and a flipped bit all fail.
  expect_invalid(
      codec.decode(input + base64url_encode(mac.substr(0, 16)), TokenType::kAccess, kNow));
  expect_invalid(codec.decode(input + base64url_encode(mac + "x"), TokenType::kAccess, kNow));
  std::string flipped = mac;
  flipped[31] = static_cast<char>(flipped[31] ^ 1);
  expect_invalid(codec.decode(input + base64url_encode(flipped), TokenType::kAccess, kNow));
}

TEST(Jwt, RepeatedDecodesKeepEveryCheck) {
  // The second decode of a token is served from the verified-token cache: it must still say
  // Expired after exp, refuse another type, and mean nothing to a codec with another key.
  const JwtCodec codec = hs256();
  const std::string token = encode(codec, claims_for(TokenType::kAccess));
  ASSERT_TRUE(codec.decode(token, TokenType::kAccess, kNow));
  auto again = codec.decode(token, TokenType::kAccess, kNow);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sub, "42");
  EXPECT_EQ(again->sid, claims_for(TokenType::kAccess).sid);
  const auto late = codec.decode(token, TokenType::kAccess, kNow + 600);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().public_message, "That token has Expired");
  expect_invalid(codec.decode(token, TokenType::kRefresh, kNow));
  expect_invalid(
      hs256("another-secret-key-of-at-least-32-bytes").decode(token, TokenType::kAccess, kNow));
  // A copy of the codec (same keys) accepts it; one changed byte is a different token.
  const JwtCodec copy = codec;
  EXPECT_TRUE(copy.decode(token, TokenType::kAccess, kNow));
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  expect_invalid(codec.decode(tampered, TokenType::kAccess, kNow));
}

TEST(JwtRequiredClaims, IntegerSubIsInvalid) {
  const std::string p =
      R"({"sub":42,"typ":"access","jti":"j","iat":1,"exp":1700000600,"iss":"gatehouse","sid":"s"})";
  expect_invalid(hs256().decode(hand_signed(kHeader, p), TokenType::kAccess, kNow));
}

// A correctly signed HS256 token of exactly `size` bytes, padded with an extra claim.
std::string token_of_size(std::size_t size) {
  for (std::size_t pad = 0; pad < size; ++pad) {
    for (const char* header :
         {R"({"alg":"HS256","typ":"JWT"})", R"({"alg":"HS256","typ":"JWT" })"}) {
      const std::string t =
          hand_signed(header, object(R"("pad":")" + std::string(pad, 'x') + "\"," + kValidClaims));
      if (t.size() == size) return t;
    }
  }
  throw std::logic_error("no padding gives that size");
}

TEST(JwtPreCryptoGuards, TokenOf1024BytesIsExaminedAnd1025IsNot) {
  const JwtCodec codec = hs256();
  const std::string at_limit = token_of_size(1024);
  ASSERT_EQ(at_limit.size(), 1024u);
  EXPECT_TRUE(is_jwt_shaped(at_limit));
  EXPECT_TRUE(codec.decode(at_limit, TokenType::kAccess, kNow));

  const std::string over = token_of_size(1025);
  ASSERT_EQ(over.size(), 1025u);
  // Well-formed and correctly signed: only its size rejects it, before any crypto.
  EXPECT_FALSE(is_jwt_shaped(over));
  expect_invalid(codec.decode(over, TokenType::kAccess, kNow));
}

TEST(JwtPreCryptoGuards, MalformedShapesRejectedBeforeCrypto) {
  const JwtCodec codec = hs256();
  for (const char* bad :
       {"not.valid!.jwt", "only.two", "four.dot.separated.parts", "part1.part2&admin=true.part3",
        ".part2.part3", "part1..part3", "part1.part2.", "BADBEEF", "", "..", "a.b.c d", "a.b.c\n",
        "a.b.c=", "a+b.c.d", "a/b.c.d"}) {
    EXPECT_FALSE(is_jwt_shaped(bad)) << bad;
    expect_invalid(codec.decode(bad, TokenType::kAccess, kNow), bad);
  }
  // Shaped like a JWT but garbage inside: libjwt rejects it, no crash.
  EXPECT_TRUE(is_jwt_shaped("part1.part2.part3"));
  expect_invalid(codec.decode("part1.part2.part3", TokenType::kAccess, kNow));
}

TEST(JwtEncoder, OneEncoderForEveryType) {
  // Same codec, same claims apart from typ: the tokens differ only in their typ claim.
  const JwtCodec codec = hs256();
  for (auto type : {TokenType::kAccess, TokenType::kRefresh, TokenType::kVerify, TokenType::kReset,
                    TokenType::kMfa}) {
    Claims c = claims_for(TokenType::kAccess);
    c.typ = type;
    const std::string token = encode(codec, c);
    EXPECT_TRUE(codec.decode(token, type, kNow)) << token_type_name(type);
  }
}

TEST(Jwt, CreateRejectsBadSettings) {
  JwtSettings empty_secret;
  EXPECT_FALSE(JwtCodec::create(empty_secret));
  JwtSettings hs384;
  hs384.algorithm = "HS384";
  hs384.secret = kSecret;
  EXPECT_FALSE(JwtCodec::create(hs384));
  JwtSettings none;
  none.algorithm = "none";
  none.secret = kSecret;
  EXPECT_FALSE(JwtCodec::create(none));
  JwtSettings es_without_key;
  es_without_key.algorithm = "ES256";
  EXPECT_FALSE(JwtCodec::create(es_without_key));
  JwtSettings empty_previous;
  empty_previous.secret = kSecret;
  empty_previous.previous_secrets = {""};
  EXPECT_FALSE(JwtCodec::create(empty_previous));
  EXPECT_EQ(hs256().jwks_json(), R"({"keys":[]})");
}

// ---- asymmetric keys ----

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

std::string private_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_to_string(bio);
}

std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  return bio_to_string(bio);
}

std::string expected_kid(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  const std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return hex_encode(sha256(bytes)).substr(0, 16);
}

JwtCodec asymmetric(const std::string& alg, EVP_PKEY* key, std::vector<std::string> previous = {}) {
  JwtSettings s;
  s.algorithm = alg;
  s.private_key_pem = private_pem(key);
  s.previous_public_keys_pem = std::move(previous);
  auto codec = JwtCodec::create(std::move(s));
  if (!codec) throw std::runtime_error(codec.error().cause);
  return std::move(*codec);
}

TEST(JwtAsymmetric, Es256RoundTripKidAndJwks) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  ASSERT_TRUE(key);
  const JwtCodec codec = asymmetric("ES256", key.get());
  const std::string kid = expected_kid(key.get());
  EXPECT_EQ(codec.kid(), kid);

  const std::string token = encode(codec, claims_for(TokenType::kAccess));
  const auto header = base64url_decode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header);
  EXPECT_NE(header->find(R"("alg":"ES256")"), std::string::npos) << *header;
  EXPECT_NE(header->find(R"("kid":")" + kid + "\""), std::string::npos) << *header;
  // JWS wants the raw R||S signature (64 bytes), not DER.
  const auto sig = base64url_decode(token.substr(token.rfind('.') + 1));
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), 64u);

  auto out = codec.decode(token, TokenType::kAccess, kNow);
  ASSERT_TRUE(out) << out.error().public_message;
  EXPECT_EQ(out->sub, "42");

  const std::string jwks = codec.jwks_json();
  EXPECT_NE(jwks.find(R"("kid":")" + kid + "\""), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(R"("kty":"EC","crv":"P-256")"), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(R"("alg":"ES256","use":"sig")"), std::string::npos) << jwks;
  EXPECT_EQ(jwks.find("\"d\""), std::string::npos) << "private part leaked: " << jwks;
}

TEST(JwtAsymmetric, PreviousPublicKeyVerifiesDuringRotation) {
  PkeyPtr old_key(EVP_EC_gen("P-256"));
  PkeyPtr new_key(EVP_EC_gen("P-256"));
  const std::string old_token =
      encode(asymmetric("ES256", old_key.get()), claims_for(TokenType::kAccess));
  const JwtCodec rotated = asymmetric("ES256", new_key.get(), {public_pem(old_key.get())});
  EXPECT_TRUE(rotated.decode(old_token, TokenType::kAccess, kNow));
  const std::string jwks = rotated.jwks_json();
  EXPECT_NE(jwks.find(expected_kid(old_key.get())), std::string::npos);
  EXPECT_LT(jwks.find(expected_kid(new_key.get())), jwks.find(expected_kid(old_key.get())));
  // Without the old public key, the old token is invalid.
  expect_invalid(asymmetric("ES256", new_key.get()).decode(old_token, TokenType::kAccess, kNow));
}

TEST(JwtAsymmetric, PreviousKeyOfAnotherTypeOrSizeRefused) {
  PkeyPtr current(EVP_EC_gen("P-256"));
  PkeyPtr p384(EVP_EC_gen("P-384"));
  PkeyPtr rsa(EVP_RSA_gen(2048));
  for (EVP_PKEY* previous : {p384.get(), rsa.get()}) {
    JwtSettings s;
    s.algorithm = "ES256";
    s.private_key_pem = private_pem(current.get());
    s.previous_public_keys_pem = {public_pem(previous)};
    s.previous_public_key_labels = {"JWT_PREVIOUS_PUBLIC_KEY_FILES: old.pem"};
    auto codec = JwtCodec::create(s);
    ASSERT_FALSE(codec);
    EXPECT_NE(codec.error().cause.find("JWT_PREVIOUS_PUBLIC_KEY_FILES: old.pem"), std::string::npos)
        << codec.error().cause;
  }
  JwtSettings garbage;
  garbage.algorithm = "ES256";
  garbage.private_key_pem = private_pem(current.get());
  garbage.previous_public_keys_pem = {"not a key"};
  EXPECT_FALSE(JwtCodec::create(garbage));
}

// The kid picks the key: a token whose kid is unknown or missing is invalid even when its
// signature would verify under a configured key.
TEST(JwtAsymmetric, KidSelectsTheKey) {
  PkeyPtr key(EVP_RSA_gen(2048));
  const JwtCodec codec = asymmetric("RS256", key.get());
  // RS256 by hand (RSASSA-PKCS1-v1_5 is the raw EVP signature), with any header.
  const auto sign = [&key](const std::string& header) {
    const std::string input =
        base64url_encode(header) + "." + base64url_encode(object(kValidClaims));
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(len);
    return input + "." + base64url_encode(sig);
  };
  const std::string kid = expected_kid(key.get());
  EXPECT_TRUE(codec.decode(sign(R"({"alg":"RS256","typ":"JWT","kid":")" + kid + R"("})"),
                           TokenType::kAccess, kNow));
  expect_invalid(codec.decode(sign(R"({"alg":"RS256","typ":"JWT"})"), TokenType::kAccess, kNow),
                 "no kid");
  expect_invalid(codec.decode(sign(R"({"alg":"RS256","typ":"JWT","kid":"0123456789abcdef"})"),
                              TokenType::kAccess, kNow),
                 "unknown kid");
}

TEST(JwtAsymmetric, WrongCurveOrKeyTypeRefused) {
  PkeyPtr p384(EVP_EC_gen("P-384"));
  JwtSettings s;
  s.algorithm = "ES256";
  s.private_key_pem = private_pem(p384.get());
  EXPECT_FALSE(JwtCodec::create(s));
  s.algorithm = "RS256";
  EXPECT_FALSE(JwtCodec::create(s));
}

TEST(JwtAsymmetric, HmacWithThePublicKeyIsRejected) {
  // Algorithm confusion: an attacker signs HS256 with the public PEM as the HMAC secret.
  PkeyPtr key(EVP_EC_gen("P-256"));
  const JwtCodec codec = asymmetric("ES256", key.get());
  const std::string forged = hand_signed(kHeader, object(kValidClaims), public_pem(key.get()));
  expect_invalid(codec.decode(forged, TokenType::kAccess, kNow));
  // And an HS256 codec rejects ES256 tokens.
  expect_invalid(
      hs256().decode(encode(codec, claims_for(TokenType::kAccess)), TokenType::kAccess, kNow));
}

TEST(JwtAsymmetric, Rs256RoundTrip) {
  PkeyPtr key(EVP_RSA_gen(2048));
  ASSERT_TRUE(key);
  const JwtCodec codec = asymmetric("RS256", key.get());
  auto out =
      codec.decode(encode(codec, claims_for(TokenType::kRefresh)), TokenType::kRefresh, kNow);
  ASSERT_TRUE(out) << out.error().public_message;
  const std::string jwks = codec.jwks_json();
  EXPECT_NE(jwks.find(R"("kty":"RSA")"), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(R"("e":"AQAB")"), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(expected_kid(key.get())), std::string::npos) << jwks;
}

}  // namespace
}  // namespace gatehouse::crypto
