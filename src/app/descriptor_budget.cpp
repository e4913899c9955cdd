#include "app/descriptor_budget.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace gatehouse::app {

namespace {

// Per SQLite handle: the database file, its WAL and its shared-memory index.
constexpr std::uint64_t kSqliteFilesPerHandle = 3;
// Mail: one SMTP connection or one .eml file at a time, plus the one being replaced.
constexpr std::uint64_t kMailDescriptors = 2;
// Log rotation opens the next file before closing the current one.
constexpr std::uint64_t kLogRotationDescriptors = 2;
// Connections refused with 503 hold a descriptor while their answer is written; template
// and asset reads, DNS lookups and the like need a few more.
constexpr std::uint64_t kSafetyMargin = 64;
// When /proc cannot be read: standard streams, log file, listener, event loops.
constexpr std::uint64_t kAssumedOpenAtStart = 32;

// Linux refuses a soft RLIMIT_NOFILE of "unlimited"; fs.nr_open is the real ceiling.
rlim_t kernel_ceiling() {
  std::ifstream in("/proc/sys/fs/nr_open");
  unsigned long long n = 0;
  if (in >> n && n > 0) return static_cast<rlim_t>(n);
  return static_cast<rlim_t>(1) << 20;
}

}  // namespace

std::uint64_t raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur != lim.rlim_max) {
    rlimit want = lim;
    want.rlim_cur = lim.rlim_max == RLIM_INFINITY ? kernel_ceiling() : lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) lim = want;
  }
  return lim.rlim_cur == RLIM_INFINITY ? static_cast<std::uint64_t>(kernel_ceiling())
                                       : static_cast<std::uint64_t>(lim.rlim_cur);
}

std::uint64_t open_descriptor_count() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return kAssumedOpenAtStart;
  std::uint64_t n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return kAssumedOpenAtStart;
    ++n;
  }
  // The iterator's own descriptor was counted too; it is gone once the loop ends.
  return n > 0 ? n - 1 : 0;
}

std::uint64_t descriptors_to_come(const config::Settings& s) {
  const auto pool = static_cast<std::uint64_t>(std::max(1, s.database.pool_size));
  std::uint64_t n =
      s.database.backend == config::DatabaseBackend::kSqlite ? pool * kSqliteFilesPerHandle : pool;
  if (s.redis.enabled) {
    // As app/components.cpp sizes the Redis pool: both handler lanes plus the workers.
    n += static_cast<std::uint64_t>(s.server.worker_threads + s.server.password_threads) + 2;
  }
  return n + kMailDescriptors + kLogRotationDescriptors + kSafetyMargin;
}

DescriptorBudget connection_budget(std::uint64_t limit, std::uint64_t reserved,
                                   int max_connections) {
  DescriptorBudget b;
  b.limit = limit;
  b.reserved = reserved;
  const std::uint64_t room = limit > reserved ? limit - reserved : 0;
  const auto wanted = static_cast<std::uint64_t>(std::max(0, max_connections));
  b.max_connections = static_cast<int>(std::min(wanted, room));
  b.clamped = room < wanted;
  return b;
}

std::string describe_clamp(const DescriptorBudget& b, int configured) {
  return "MAX_CONNECTIONS " + std::to_string(configured) + " does not fit the open-file limit (" +
         std::to_string(b.limit) + " descriptors, " + std::to_string(b.reserved) +
         " kept for the database, Redis, logs, mail and a margin): serving at most " +
         std::to_string(b.max_connections) +
         " connections at once; raise the hard limit (ulimit -Hn, LimitNOFILE=) to allow more";
}

}  // namespace gatehouse::app
