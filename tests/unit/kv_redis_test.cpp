// What only the Redis backends promise: surviving a Redis restart without a new client,
// failing fast while Redis is down, AUTH and SELECT, and script reloading. Uses throwaway
// redis-server processes (stopped and started by the tests) and the shared TEST_REDIS_URL server.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kv/fail_policy_rate_limiter.hpp"
#include "kv/redis/redis_rate_limiter.hpp"
#include "kv/redis/redis_replay_guard.hpp"
#include "kv/redis/redis_response_cache.hpp"
#include "observability/metrics.hpp"
#include "observability/standard_metrics.hpp"
#include "unit/kv_redis_support.hpp"

namespace gatehouse::kv {
namespace {

using namespace std::chrono_literals;
using testing_support::free_port;
using testing_support::RedisServerProcess;
using testing_support::test_redis_options;
using testing_support::unique_prefix;

double shared_state_errors(std::string_view store) {
  return obs::metrics()
      .counter(obs::metrics_namespace() + "_shared_state_errors_total", "", {"store"})
      .with({store})
      .value();
}

// The TEST_REDIS_URL server, under a key prefix of this test's own.
RedisOptions shared_server(std::size_t pool_size = 8) {
  RedisOptions o = *test_redis_options();
  o.key_prefix = unique_prefix();
  o.pool_size = pool_size;
  return o;
}

// Polls `done` every 20 ms for up to `limit`.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

TEST(RedisClient, SurvivesARedisRestartWithoutANewClient) {
  REQUIRE_REDIS_SERVER();
  RedisServerProcess server(free_port());
  ASSERT_TRUE(server.start());
  RedisClient client(server.options());
  RedisRateLimiter raw(client);
  FailPolicyRateLimiter open(std::make_unique<RedisRateLimiter>(client), true);
  FailPolicyRateLimiter closed(std::make_unique<RedisRateLimiter>(client), false);
  RedisResponseCache cache(client);
  RedisReplayGuard guard(client);

  ASSERT_TRUE(client.ping()) << client.ping().error().cause;
  const auto counted = open.hit("login:ip", 5, 900s);
  ASSERT_TRUE(counted);
  EXPECT_TRUE(counted->enforced);
  EXPECT_EQ(counted->remaining, 4);

  server.stop();
  const double rate_errors = shared_state_errors("rate_limit");
  const auto down = raw.hit("login:ip", 5, 900s);
  ASSERT_FALSE(down);
  EXPECT_TRUE(down.error().is(ErrorCode::kUnavailable)) << down.error().cause;
  const auto passed = open.hit("login:ip", 5, 900s);
  ASSERT_TRUE(passed) << "RATE_LIMIT_FAIL_OPEN=true lets the request through";
  EXPECT_TRUE(passed->allowed);
  EXPECT_FALSE(passed->enforced);
  const auto refused = closed.hit("login:ip", 5, 900s);
  ASSERT_FALSE(refused) << "RATE_LIMIT_FAIL_OPEN=false refuses it";
  EXPECT_TRUE(refused.error().is(ErrorCode::kUnavailable));
  EXPECT_EQ(shared_state_errors("rate_limit"), rate_errors + 2);
  EXPECT_FALSE(client.ping());
  auto cached = cache.get("user:1", "k");
  ASSERT_FALSE(cached);
  EXPECT_TRUE(cached.error().is(ErrorCode::kUnavailable));
  EXPECT_FALSE(guard.first_use("totp:1:123456", 30s));

  // While down, a request costs a check, not a connection attempt.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) (void)open.hit("login:ip", 5, 900s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);

  ASSERT_TRUE(server.start());
  EXPECT_TRUE(eventually([&] {
    const auto d = open.hit("register:ip", 3, 3600s);
    return d && d->enforced;
  })) << "the same client reconnects after its back-off";
  EXPECT_TRUE(client.ping());
  // The data went with the old process (no persistence): counting starts again.
  EXPECT_EQ(raw.hit("login:ip", 5, 900s)->remaining, 4);
  auto g = cache.get("user:1", "k");
  ASSERT_TRUE(g) << g.error().cause;
  EXPECT_TRUE(*guard.first_use("totp:1:123456", 30s));
}

TEST(RedisClient, AConnectionKilledByTheServerIsReplacedWithoutAnError) {
  REQUIRE_TEST_REDIS();
  const RedisOptions o = shared_server(1);
  RedisClient client(o);
  RedisRateLimiter limiter(client);
  ASSERT_TRUE(limiter.hit("k", 10, 60s));
  const auto id = client.command({"CLIENT", "ID"});
  ASSERT_TRUE(id);
  // What a restart or an administrator does to an idle connection.
  RedisClient admin(*test_redis_options());
  const std::string id_text = std::to_string(id->integer);
  auto killed = admin.command({"CLIENT", "KILL", "ID", id_text});
  ASSERT_TRUE(killed) << killed.error().cause;
  EXPECT_EQ(killed->integer, 1);
  const auto d = limiter.hit("k", 10, 60s);
  ASSERT_TRUE(d) << d.error().cause;
  (void)delete_keys_with_prefix(client, o.key_prefix);
}

TEST(RedisClient, AnUnreachableServerAnswersUnavailableQuickly) {
  RedisOptions o;
  o.host = "127.0.0.1";
  o.port = free_port();  // nobody listens
  o.password = "do-not-print-me";
  RedisClient client(o);
  const auto r = client.command({"GET", "x"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ErrorCode::kUnavailable));
  EXPECT_NE(r.error().cause.find(client.describe()), std::string::npos);
  EXPECT_EQ(r.error().cause.find("do-not-print-me"), std::string::npos);
  EXPECT_EQ(client.describe().find("do-not-print-me"), std::string::npos);
}

TEST(RedisClient, AuthenticatesAndSelectsTheDatabase) {
  REQUIRE_REDIS_SERVER();
  RedisServerProcess server(free_port(), "s3cret-pw");
  ASSERT_TRUE(server.start());

  RedisOptions wrong = server.options();
  wrong.password = "wrong-password";
  RedisClient refused(wrong);
  const auto r = refused.command({"PING"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(ErrorCode::kUnavailable));
  EXPECT_NE(r.error().cause.find("AUTH"), std::string::npos) << r.error().cause;
  EXPECT_EQ(r.error().cause.find("wrong-password"), std::string::npos) << r.error().cause;

  RedisOptions none = server.options();
  none.password.clear();
  RedisClient anonymous(none);
  const auto denied = anonymous.command({"SET", "k", "v"});
  ASSERT_FALSE(denied) << "NOAUTH";

  RedisOptions db3 = server.options();
  db3.db = 3;
  RedisClient client(db3);
  ASSERT_TRUE(client.command({"SET", "where", "db3"}));
  RedisClient db0(server.options());
  EXPECT_TRUE(db0.command({"GET", "where"})->is_nil());
  EXPECT_EQ(client.command({"GET", "where"})->str, "db3");
}

TEST(RedisClient, ReloadsItsScriptsWhenTheServerForgotThem) {
  REQUIRE_TEST_REDIS();
  const RedisOptions o = shared_server();
  RedisClient client(o);
  RedisRateLimiter limiter(client);
  ASSERT_TRUE(limiter.hit("k", 10, 60s));
  ASSERT_TRUE(client.command({"SCRIPT", "FLUSH"}));
  const auto d = limiter.hit("k", 10, 60s);
  ASSERT_TRUE(d) << d.error().cause;
  EXPECT_EQ(d->remaining, 8);
  (void)delete_keys_with_prefix(client, o.key_prefix);
}

TEST(RedisClient, ManyThreadsShareASmallPool) {
  REQUIRE_TEST_REDIS();
  const RedisOptions o = shared_server(2);
  RedisClient client(o);
  RedisRateLimiter limiter(client);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!limiter.hit("pool", 1000, 60s)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(limiter.hit("pool", 1000, 60s)->remaining, 1000 - 301);
  (void)delete_keys_with_prefix(client, o.key_prefix);
}

}  // namespace
}  // namespace gatehouse::kv
