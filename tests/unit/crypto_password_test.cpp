// PasswordHasher: Argon2id and bcrypt, cross-format verification, re-hash decisions, the
// bcrypt 72-byte rule and the dummy verification that makes an unknown user cost a hash.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crypto/password_hasher.hpp"

namespace gatehouse::crypto {
namespace {

using Algorithm = HashSettings::Algorithm;

// Result<T>::value() needs a throw hook for our Error; tests unwrap through this instead (an
// exception fails the test with the cause).
std::string unwrap(Result<std::string> r) {
  if (!r) throw std::runtime_error(r.error().public_message + " / " + r.error().cause);
  return std::move(*r);
}

// Cheap parameters: libsodium's minimum memory and one pass; bcrypt's minimum cost.
HashSettings cheap_argon2() {
  HashSettings s;
  s.algorithm = Algorithm::kArgon2id;
  s.argon2_memory_kib = 8;
  s.argon2_iterations = 1;
  s.bcrypt_rounds = 4;
  return s;
}

HashSettings cheap_bcrypt() {
  HashSettings s = cheap_argon2();
  s.algorithm = Algorithm::kBcrypt;
  return s;
}

TEST(PasswordHasher, Argon2idHashVerifies) {
  const PasswordHasher hasher(cheap_argon2());
  auto hash = hasher.hash("correct horse battery staple");
  ASSERT_TRUE(hash) << hash.error().cause;
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(hasher.verify("correct horse battery staple", *hash));
  EXPECT_FALSE(hasher.verify("correct horse battery stapler", *hash));
  EXPECT_FALSE(hasher.verify("", *hash));
}

TEST(PasswordHasher, SaltsDiffer) {
  const PasswordHasher hasher(cheap_argon2());
  EXPECT_NE(unwrap(hasher.hash("same password")), unwrap(hasher.hash("same password")));
}

TEST(PasswordHasher, BcryptHashVerifies) {
  const PasswordHasher hasher(cheap_bcrypt());
  auto hash = hasher.hash("correct horse battery staple");
  ASSERT_TRUE(hash) << hash.error().cause;
  EXPECT_EQ(hash->rfind("$2b$04$", 0), 0u) << *hash;
  EXPECT_EQ(hash->size(), 60u);
  EXPECT_TRUE(hasher.verify("correct horse battery staple", *hash));
  EXPECT_FALSE(hasher.verify("correct horse battery stapler", *hash));
}

TEST(PasswordHasher, DefaultSettingsHashOnce) {
  const PasswordHasher hasher{HashSettings{}};
  auto hash = hasher.hash("Tr0ub4dor&3 but longer");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(hasher.verify("Tr0ub4dor&3 but longer", *hash));
  EXPECT_FALSE(hasher.needs_rehash(*hash));
}

TEST(PasswordHasher, BothFormatsVerifyWhateverTheSetting) {
  const PasswordHasher argon(cheap_argon2());
  const PasswordHasher bcrypt(cheap_bcrypt());
  const std::string from_bcrypt = unwrap(bcrypt.hash("imported password"));
  const std::string from_argon = unwrap(argon.hash("new password"));
  EXPECT_TRUE(argon.verify("imported password", from_bcrypt));
  EXPECT_FALSE(argon.verify("imported passwore", from_bcrypt));
  EXPECT_TRUE(bcrypt.verify("new password", from_argon));
  EXPECT_FALSE(bcrypt.verify("new passwore", from_argon));
}

// Hashes made elsewhere. jBCrypt's published vectors ($2a$, cost 6), the same digests under the
// $2b$ and $2y$ prefixes, and a $2b$ hash of "password" computed once with crypt_r.
TEST(PasswordHasher, KnownBcryptVectorsVerify) {
  const PasswordHasher hasher(cheap_argon2());
  EXPECT_TRUE(hasher.verify("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"));
  EXPECT_TRUE(hasher.verify("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"));
  EXPECT_TRUE(hasher.verify("abcdefghijklmnopqrstuvwxyz",
                            "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"));
  EXPECT_TRUE(hasher.verify("abc", "$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"));
  EXPECT_TRUE(hasher.verify("abc", "$2y$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"));
  EXPECT_FALSE(
      hasher.verify("abd", "$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"));
  const char* kPassword = "$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm";
  EXPECT_TRUE(hasher.verify("password", kPassword));
  EXPECT_FALSE(hasher.verify("Password", kPassword));
}

TEST(PasswordHasher, MalformedHashesDoNotVerify) {
  const PasswordHasher hasher(cheap_bcrypt());
  for (const char* bad : {"", "password", "$2b$04$short",
                          "$2x$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
                          "$2b$03$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
                          "$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0!",
                          "$argon2id$v=19$m=8,t=1,p=1$garbage", "$argon2i$v=19$m=8,t=1,p=1$x$y",
                          "*0", "$1$abc$def"}) {
    EXPECT_FALSE(hasher.verify("abc", bad)) << bad;
    EXPECT_TRUE(hasher.needs_rehash(bad)) << bad;
  }
}

TEST(PasswordHasher, NeedsRehash) {
  const PasswordHasher argon(cheap_argon2());
  const PasswordHasher bcrypt(cheap_bcrypt());
  const std::string argon_hash = unwrap(argon.hash("pw"));
  const std::string bcrypt_hash = unwrap(bcrypt.hash("pw"));
  EXPECT_FALSE(argon.needs_rehash(argon_hash));
  EXPECT_FALSE(bcrypt.needs_rehash(bcrypt_hash));
  EXPECT_TRUE(argon.needs_rehash(bcrypt_hash));  // other algorithm
  EXPECT_TRUE(bcrypt.needs_rehash(argon_hash));

  HashSettings more_memory = cheap_argon2();
  more_memory.argon2_memory_kib = 16;
  EXPECT_TRUE(PasswordHasher(more_memory).needs_rehash(argon_hash));
  HashSettings more_passes = cheap_argon2();
  more_passes.argon2_iterations = 2;
  EXPECT_TRUE(PasswordHasher(more_passes).needs_rehash(argon_hash));
  HashSettings higher_cost = cheap_bcrypt();
  higher_cost.bcrypt_rounds = 5;
  EXPECT_TRUE(PasswordHasher(higher_cost).needs_rehash(bcrypt_hash));
  // Imported $2a$ hashes at the configured cost are kept.
  HashSettings cost6 = cheap_bcrypt();
  cost6.bcrypt_rounds = 6;
  EXPECT_FALSE(PasswordHasher(cost6).needs_rehash(
      "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"));
}

TEST(PasswordHasher, BcryptRefusesMoreThan72Bytes) {
  const PasswordHasher bcrypt(cheap_bcrypt());
  const std::string p72(72, 'x');
  const std::string p73(73, 'x');
  const std::string hash72 = unwrap(bcrypt.hash(p72));
  EXPECT_TRUE(bcrypt.verify(p72, hash72));
  // bcrypt would ignore the 73rd byte; we refuse rather than truncate.
  auto too_long = bcrypt.hash(p73);
  ASSERT_FALSE(too_long);
  EXPECT_TRUE(too_long.error().is(ErrorCode::kInvalidInput));
  EXPECT_EQ(too_long.error().public_message,
            "Password must be 72 bytes or fewer when encoded as UTF-8");
  EXPECT_FALSE(bcrypt.verify(p73, hash72));
  // Bytes, not characters: 37 two-byte characters are 74 bytes.
  std::string accents;
  for (int i = 0; i < 37; ++i) accents += "\xC3\xA9";
  EXPECT_FALSE(bcrypt.hash(accents));
  // Argon2id has no such limit.
  const PasswordHasher argon(cheap_argon2());
  const std::string long_hash = unwrap(argon.hash(p73));
  EXPECT_TRUE(argon.verify(p73, long_hash));
  EXPECT_FALSE(argon.verify(p72, long_hash));
}

TEST(PasswordHasher, BcryptRefusesNulBytes) {
  const PasswordHasher bcrypt(cheap_bcrypt());
  const std::string with_nul("abc\0def", 7);
  EXPECT_FALSE(bcrypt.hash(with_nul));
  const std::string hash = unwrap(bcrypt.hash("abc"));
  EXPECT_FALSE(bcrypt.verify(with_nul, hash));  // would otherwise equal "abc"
}

TEST(PasswordHasher, EmptyPasswordIsAnError) {
  for (const auto& settings : {cheap_argon2(), cheap_bcrypt()}) {
    auto hash = PasswordHasher(settings).hash("");
    ASSERT_FALSE(hash);
    EXPECT_TRUE(hash.error().is(ErrorCode::kInvalidInput));
  }
}

TEST(PasswordHasher, InvalidSettingsThrow) {
  HashSettings s = cheap_argon2();
  s.argon2_iterations = 0;
  EXPECT_THROW(PasswordHasher{s}, std::invalid_argument);
  s = cheap_argon2();
  s.bcrypt_rounds = 3;
  EXPECT_THROW(PasswordHasher{s}, std::invalid_argument);
}

TEST(PasswordHasher, OneInstanceServesManyThreads) {
  const PasswordHasher argon(cheap_argon2());
  const PasswordHasher bcrypt(cheap_bcrypt());
  const std::string a = unwrap(argon.hash("shared"));
  const std::string b = unwrap(bcrypt.hash("shared"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (!argon.verify("shared", b) || !bcrypt.verify("shared", a)) ++failures;
        if (!argon.verify("shared", unwrap(argon.hash("shared")))) ++failures;
        if (!bcrypt.verify("shared", unwrap(bcrypt.hash("shared")))) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(PasswordHasher, DummyVerifyRuns) {
  for (const auto& settings : {cheap_argon2(), cheap_bcrypt()}) {
    const PasswordHasher hasher(settings);
    hasher.verify_dummy("whatever the user typed");
    hasher.verify_dummy("");
    hasher.verify_dummy(std::string(200, 'x'));
  }
}

// Login timing (issue 9 item 4) groups hashes by the cost of verifying them.
TEST(PasswordHasher, SettingsOfReadsSchemeAndCost) {
  const PasswordHasher argon(cheap_argon2());
  const auto a = PasswordHasher::settings_of(unwrap(argon.hash("correct horse battery staple")));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->algorithm, Algorithm::kArgon2id);
  EXPECT_EQ(a->argon2_memory_kib, 8u);
  EXPECT_EQ(a->argon2_iterations, 1u);
  EXPECT_EQ(PasswordHasher::kind_name(*a), "argon2id m=8 t=1");
  // The census prefix (up to the salt) reads the same.
  const auto prefix = PasswordHasher::settings_of("$argon2id$v=19$m=19456,t=2,p=1$");
  ASSERT_TRUE(prefix);
  EXPECT_EQ(PasswordHasher::kind_name(*prefix), "argon2id m=19456 t=2");

  const PasswordHasher bcrypt(cheap_bcrypt());
  const auto b = PasswordHasher::settings_of(unwrap(bcrypt.hash("correct horse battery staple")));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->algorithm, Algorithm::kBcrypt);
  EXPECT_EQ(b->bcrypt_rounds, 4);
  for (const char* legacy : {"$2a$12$", "$2b$12$", "$2y$12$"}) {
    const auto s = PasswordHasher::settings_of(legacy);
    ASSERT_TRUE(s) << legacy;
    EXPECT_EQ(PasswordHasher::kind_name(*s), "bcrypt 12");
  }
  for (const char* bad :
       {"", "plain", "$2b$1x$", "$2b$03$", "$2c$12$", "$argon2id$v=19$m=,t=2,p=1$",
        "$argon2id$v=19$m=8,t=1", "$argon2i$v=19$m=8,t=1,p=1$", "$argon2id$v=19$t=1,m=8,p=1$"}) {
    EXPECT_FALSE(PasswordHasher::settings_of(bad)) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::crypto
