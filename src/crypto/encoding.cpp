#include "crypto/encoding.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "crypto/sodium_init.hpp"

namespace gatehouse::crypto {

namespace {
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

const unsigned char* as_bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string base64url_encode(std::string_view bytes) {
  ensure_sodium();
  // sodium_base64_ENCODED_LEN counts the terminating NUL, which we drop afterwards.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), as_bytes(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  ensure_sodium();
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t out_len = 0;
  const char* end = nullptr;
  // No ignore set: whitespace is an error, and `end` must reach the end of the input, so a
  // stray character in the middle cannot silently cut the value short.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &out_len, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(out_len);
  return out;
}

namespace {

// 0..63 for the base64url alphabet, 255 for anything else.
constexpr std::array<std::uint8_t, 256> decoding_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 255;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return t;
}

constexpr auto kDecoding = decoding_table();

}  // namespace

std::optional<std::string> base64url_decode_public(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no byte ends after a single character
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::uint8_t v = kDecoding[static_cast<unsigned char>(c)];
    if (v == 255) return std::nullopt;
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  // Canonical form only: the bits left over after the last byte must be zero.
  if ((bits & ((1u << count) - 1)) != 0) return std::nullopt;
  return out;
}

std::string hex_encode(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), as_bytes(bytes), bytes.size());
  out.resize(out.size() - 1);
  return out;
}

}  // namespace gatehouse::crypto
