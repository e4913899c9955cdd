#include "core/ids.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>

namespace gatehouse {

namespace {

using UuidBytes = std::array<std::uint8_t, 16>;

// core/ sits below crypto/, so it initialises libsodium itself (sodium_init() is idempotent
// and thread-safe; crypto::ensure_sodium() calling it again is harmless).
void ensure_sodium() {
  static const bool kReady = sodium_init() >= 0;
  if (!kReady) throw std::runtime_error("libsodium could not be initialised");
}

std::string format_uuid(UuidBytes b, unsigned version) {
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char hex[2 * std::tuple_size_v<UuidBytes> + 1];
  sodium_bin2hex(hex, sizeof hex, b.data(), b.size());
  std::string out(hex, sizeof hex - 1);
  constexpr std::size_t kDashes[] = {8, 13, 18, 23};  // 8-4-4-4-12
  for (const std::size_t dash : kDashes) out.insert(dash, 1, '-');
  return out;
}

// The old generator seeded each thread's mt19937_64 with one 32-bit random_device value, so
// two threads could share a seed and replay each other's ids. The whole 19,968-bit state is
// now filled from the CSPRNG through a seed_seq of 624 words.
std::mt19937_64 seeded_engine() {
  ensure_sodium();
  std::array<std::uint32_t, std::mt19937_64::state_size * 2> words{};
  randombytes_buf(words.data(), sizeof(words));
  std::seed_seq seq(words.begin(), words.end());
  return std::mt19937_64(seq);
}

// One generator per thread, shared by request ids and the other correlation ids.
std::mt19937_64& correlation_engine() {
  thread_local std::mt19937_64 rng = seeded_engine();
  return rng;
}

}  // namespace

std::string new_uuid() {
  ensure_sodium();
  UuidBytes b{};
  randombytes_buf(b.data(), b.size());
  return format_uuid(b, 4);
}

std::string new_time_ordered_uuid() {
  ensure_sodium();
  UuidBytes b{};
  randombytes_buf(b.data(), b.size());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  auto unix_ms = static_cast<std::uint64_t>(ms);
  for (std::size_t i = 6; i-- > 0;) {  // big-endian, bytes 0..5
    b[i] = static_cast<std::uint8_t>(unix_ms & 0xFFu);
    unix_ms >>= 8;
  }
  return format_uuid(b, 7);
}

std::string new_correlation_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::mt19937_64& rng = correlation_engine();
  std::string out;
  out.reserve(2 * bytes);
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    if (i % 8 == 0) word = rng();
    const auto byte = static_cast<unsigned>(word >> ((i % 8) * 8)) & 0xFFu;
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xFu]);
  }
  return out;
}

std::string new_request_id() {
  std::mt19937_64& rng = correlation_engine();
  UuidBytes b{};
  const std::uint64_t hi = rng();
  const std::uint64_t lo = rng();
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(hi >> (i * 8));
    b[8 + i] = static_cast<std::uint8_t>(lo >> (i * 8));
  }
  return format_uuid(b, 4);
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace gatehouse
