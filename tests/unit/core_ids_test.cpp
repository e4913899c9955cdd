// Ids: stored ids (new_uuid) come from libsodium's CSPRNG, request ids from a per-thread PRNG
// seeded from it; both are unique across many threads at once.
//
// The test installs its own randombytes implementation before libsodium initialises (a
// static initialiser runs before main): it forwards to the system one and counts calls, or
// returns a fixed byte when a test asks. So it can show where new_uuid's bytes come from —
// the old generator (mt19937_64 seeded with one 32-bit value per thread) never asked
// libsodium, and two threads whose seeds collide replay each other's ids.
#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/ids.hpp"

namespace gatehouse {
namespace {

std::atomic<std::uint64_t> g_calls{0};
std::atomic<int> g_fixed_byte{-1};  // -1: forward to the system CSPRNG

const char* counting_name() { return "gatehouse-test-counting"; }
std::uint32_t counting_random() {
  ++g_calls;
  return randombytes_sysrandom_implementation.random();
}
void counting_stir() { randombytes_sysrandom_implementation.stir(); }
void counting_buf(void* buf, std::size_t size) {
  ++g_calls;
  const int fixed = g_fixed_byte.load();
  if (fixed >= 0) {
    std::memset(buf, fixed, size);
  } else {
    randombytes_sysrandom_implementation.buf(buf, size);
  }
}
int counting_close() { return randombytes_sysrandom_implementation.close(); }

randombytes_implementation g_counting = {counting_name, counting_random, counting_stir,
                                         nullptr,       counting_buf,    counting_close};

// Must happen before sodium_init(), which the first id drawn triggers.
const bool kInstalled = randombytes_set_implementation(&g_counting) == 0;

// The ids `threads` threads draw at the same moment, `per_thread` each.
std::vector<std::string> draw_concurrently(std::string (*draw)(), int threads, int per_thread) {
  std::vector<std::vector<std::string>> parts(static_cast<std::size_t>(threads));
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ++ready;
      while (ready.load() < threads) std::this_thread::yield();  // start together
      auto& mine = parts[static_cast<std::size_t>(t)];
      mine.reserve(static_cast<std::size_t>(per_thread));
      for (int i = 0; i < per_thread; ++i) mine.push_back(draw());
    });
  }
  for (auto& th : pool) th.join();
  std::vector<std::string> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

void expect_unique_v4(const std::vector<std::string>& ids) {
  std::unordered_set<std::string> seen;
  for (const auto& id : ids) {
    ASSERT_TRUE(is_uuid(id)) << id;
    ASSERT_EQ(id[14], '4') << id;                                          // version 4
    ASSERT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 4122 variant
    ASSERT_TRUE(seen.insert(id).second) << "duplicate id " << id;
  }
}

TEST(Ids, TheTestCsprngIsInstalled) {
  ASSERT_TRUE(kInstalled);
  ASSERT_GE(sodium_init(), 0);
  EXPECT_STREQ(randombytes_implementation_name(), "gatehouse-test-counting");
}

TEST(Ids, StoredIdsTakeTheirBytesFromTheCsprng) {
  ASSERT_GE(sodium_init(), 0);
  g_fixed_byte = 0xAB;
  const std::string id = new_uuid();
  g_fixed_byte = -1;
  // Every random bit is libsodium's 0xAB; only the version and variant bits are set.
  EXPECT_EQ(id, "abababab-abab-4bab-abab-abababababab");
}

TEST(Ids, EachStoredIdIsAFreshDraw) {
  ASSERT_GE(sodium_init(), 0);
  const std::uint64_t before = g_calls.load();
  for (int i = 0; i < 100; ++i) new_uuid();
  // Not served from a buffer or a seeded engine: one CSPRNG call per id.
  EXPECT_GE(g_calls.load() - before, 100u);
}

TEST(Ids, TimeOrderedIdsCarryTheTimeThenCsprngBytes) {
  ASSERT_GE(sodium_init(), 0);
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  g_fixed_byte = 0xAB;
  const std::string id = new_time_ordered_uuid();
  g_fixed_byte = -1;
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  ASSERT_TRUE(is_uuid(id)) << id;
  // 48 bits of milliseconds (first 12 hex digits), version 7, variant, then the CSPRNG's bytes.
  const long long ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
  EXPECT_EQ(id.substr(14), "7bab-abab-abababababab");
}

TEST(Ids, TimeOrderedIdsSortByCreation) {
  const std::string first = new_time_ordered_uuid();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string second = new_time_ordered_uuid();
  EXPECT_LT(first, second);
  const auto ids = draw_concurrently(&new_time_ordered_uuid, 8, 10000);
  EXPECT_EQ(std::unordered_set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(Ids, StoredIdsAreUniqueAcrossThreads) {
  const auto ids = draw_concurrently(&new_uuid, 8, 10000);
  ASSERT_EQ(ids.size(), 80000u);
  expect_unique_v4(ids);
}

TEST(Ids, RequestIdsAreUniqueAcrossThreads) {
  const auto ids = draw_concurrently(&new_request_id, 8, 10000);
  ASSERT_EQ(ids.size(), 80000u);
  expect_unique_v4(ids);
}

TEST(Ids, RequestIdEnginesAreSeededFromTheCsprng) {
  // Each new thread seeds its engine from libsodium (its whole state, not one 32-bit value),
  // so a thread whose engine shares another's seed is as likely as a 128-bit collision.
  ASSERT_GE(sodium_init(), 0);
  const std::uint64_t before = g_calls.load();
  std::string id;
  std::thread([&] { id = new_request_id(); }).join();
  EXPECT_TRUE(is_uuid(id)) << id;
  EXPECT_GE(g_calls.load() - before, 1u);
}

TEST(Ids, IsUuid) {
  EXPECT_TRUE(is_uuid("123e4567-e89b-42d3-a456-426614174000"));
  EXPECT_TRUE(is_uuid("123E4567-E89B-42D3-A456-426614174000"));
  EXPECT_FALSE(is_uuid("123e4567e89b42d3a456426614174000"));
  EXPECT_FALSE(is_uuid("123e4567-e89b-42d3-a456-42661417400g"));
  EXPECT_FALSE(is_uuid(""));
}

}  // namespace
}  // namespace gatehouse
