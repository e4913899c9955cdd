// Secrets sealed at rest (crypto/secret_sealer.hpp): only the same SECRET_KEY (or a previous
// one during a rotation) and the same purpose open them, and any change to the text is caught.
#include "crypto/secret_sealer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "crypto/random.hpp"

namespace gatehouse::crypto {
namespace {

TEST(SecretSealer, RoundTripsWithAFreshNonceEachTime) {
  const std::string key = random_hex(32);
  const SecretSealer sealer(key, {}, "ghtotp01");
  const std::string secret = random_bytes(20);
  const std::string a = sealer.seal(secret);
  const std::string b = sealer.seal(secret);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find(secret), std::string::npos) << "the plaintext is not in the sealed text";
  EXPECT_EQ(sealer.open(a), secret);
  EXPECT_EQ(SecretSealer(key, {}, "ghtotp01").open(b), secret) << "a new instance, same key";
}

TEST(SecretSealer, TamperedTruncatedOrForeignTextDoesNotOpen) {
  const std::string key = random_hex(32);
  const SecretSealer sealer(key, {}, "ghtotp01");
  std::string sealed = sealer.seal("123456789");
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    std::string flipped = sealed;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_FALSE(sealer.open(flipped)) << "byte " << i;
  }
  EXPECT_FALSE(sealer.open(sealed.substr(0, sealed.size() - 1)));
  EXPECT_FALSE(sealer.open(""));
  EXPECT_FALSE(SecretSealer(random_hex(32), {}, "ghtotp01").open(sealed)) << "another key";
  EXPECT_FALSE(SecretSealer(key, {}, "ghother1").open(sealed)) << "another purpose";
}

TEST(SecretSealer, PreviousKeysOpenDuringARotation) {
  const std::string old_key = random_hex(32);
  const std::string new_key = random_hex(32);
  const std::string sealed = SecretSealer(old_key, {}, "ghtotp01").seal("secret");
  const SecretSealer rotating(new_key, {old_key}, "ghtotp01");
  EXPECT_EQ(rotating.open(sealed), "secret");
  EXPECT_EQ(SecretSealer(new_key, {}, "ghtotp01").open(rotating.seal("x")), "x")
      << "new text is sealed under the current key";
  EXPECT_FALSE(SecretSealer(new_key, {}, "ghtotp01").open(sealed)) << "old key retired";
}

TEST(SecretSealer, ContextMustBeEightCharacters) {
  EXPECT_THROW(SecretSealer(random_hex(32), {}, "short"), std::invalid_argument);
}

}  // namespace
}  // namespace gatehouse::crypto
