// Verifications per second this machine sustains with N threads verifying at once, with
// the hash settings of the environment (the same variables the server reads). The login
// benchmark compares the server's POST /login/ throughput with this rate.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "app/components.hpp"
#include "config/loader.hpp"
#include "crypto/password_hasher.hpp"

int main(int argc, char** argv) {
  const int threads =
      argc > 1 ? std::atoi(argv[1]) : static_cast<int>(std::thread::hardware_concurrency());
  const double seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
  auto loaded = gatehouse::config::load_settings(gatehouse::config::process_environment(), ".env");
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  const gatehouse::crypto::PasswordHasher hasher(
      gatehouse::app::hash_settings(loaded.settings.auth));
  const auto encoded = hasher.hash("Correct-Horse-9");
  if (!encoded) return 1;
  std::atomic<long> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      while (!stop.load()) {
        (void)hasher.verify("Wrong-Horse-99", *encoded);
        ++done;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.1f\n", static_cast<double>(done.load()) / elapsed);
  return 0;
}
