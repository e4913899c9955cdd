// Worker lanes (docs/architecture.md): routes that wait for a password hash run in their own
// lane, so a login flood queues among logins and `/users/me` keeps answering at once, even
// with only two general workers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "auth_test_support.hpp"

namespace gatehouse::testing {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

TEST(Lanes, LoginFloodDoesNotStallOtherRoutes) {
  // A hash of ~10 ms on one hash thread and two general workers: twelve logins in flight
  // queue for ~100 ms each. Were they on the general workers, both workers would sit in
  // that queue and /users/me would wait as long.
  GatehouseProcess server({{"ARGON2_MEMORY_KIB", "16384"},
                           {"ARGON2_ITERATIONS", "2"},
                           {"HASH_THREADS", "1"},
                           {"WORKER_THREADS", "2"},
                           {"RATE_LIMIT_ENABLED", "false"}});
  server.start();
  HttpClient c(server.port());
  const TestUser u = verified_login(server, c, "lanes");
  ASSERT_FALSE(u.tokens.token.empty());

  std::atomic<bool> stop{false};
  std::atomic<int> logins{0};
  std::vector<double> login_ms;
  std::mutex login_mutex;
  std::vector<std::thread> flood;
  for (int i = 0; i < 12; ++i) {
    flood.emplace_back([&] {
      HttpClient fc(server.port());
      while (!stop) {
        const auto start = Clock::now();
        const auto r = login_request(fc, u.email, "Wrong-Password-1!");
        const double took = ms_since(start);
        if (r.status == 400 && detail_of(r) == kWrongCredentials) {
          ++logins;
          std::lock_guard lock(login_mutex);
          login_ms.push_back(took);
        }
      }
    });
  }
  // Measure once the flood is being answered: the lane is full from then on.
  ASSERT_TRUE(wait_until([&] { return logins.load() >= 2; }, std::chrono::seconds(30)))
      << "the flood never got going";
  std::vector<double> me_ms;
  for (int i = 0; i < 30; ++i) {
    const auto start = Clock::now();
    const auto r = c.get("/users/me", u.auth());
    me_ms.push_back(ms_since(start));
    EXPECT_EQ(r.status, 200) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  for (auto& t : flood) t.join();

  double login_median = 0;
  {
    std::lock_guard lock(login_mutex);
    ASSERT_GE(login_ms.size(), 10u) << "the flood never got going";
    login_median = median(login_ms);
  }
  const double me_median = median(me_ms);
  // The flood saturates the hash lane: logins wait in its queue...
  EXPECT_GT(login_median, 50.0) << "logins too fast to prove anything";
  // ...while /users/me does not wait behind them.
  EXPECT_LT(me_median, 25.0) << "login median " << login_median << " ms";
  EXPECT_LT(me_median * 3, login_median);
  std::printf("login median %.1f ms, /users/me median %.1f ms\n", login_median, me_median);
}

}  // namespace
}  // namespace gatehouse::testing
