#pragma once
// Open-file descriptors at start: every client connection costs one, and so do the
// database pool, Redis, the log files and mail. When they run out, accept() fails and new
// clients hang in the listen backlog, /heartbeat included. So at start the soft
// RLIMIT_NOFILE is raised to the hard limit, and MAX_CONNECTIONS is clamped to what is left
// after everything else the process needs (docs/operations.md, "Open files").
#include <cstdint>
#include <string>

#include "config/settings.hpp"

namespace gatehouse::app {

struct DescriptorBudget {
  std::uint64_t limit = 0;     // soft RLIMIT_NOFILE after raising it
  std::uint64_t reserved = 0;  // descriptors kept for everything but client connections
  int max_connections = 0;     // MAX_CONNECTIONS, clamped to limit - reserved
  bool clamped = false;        // max_connections is below MAX_CONNECTIONS
};

// Raises the soft RLIMIT_NOFILE to the hard limit (as far as the kernel allows) and returns
// the soft limit now in force.
std::uint64_t raise_open_files_limit();

// Descriptors this process has open now (/proc/self/fd); a typical start-up count (32) when
// that cannot be read, so the budget is not overstated.
std::uint64_t open_descriptor_count();

// Descriptors that may still be opened later for the database pool, Redis, mail and log
// rotation, plus a safety margin (which also covers connections refused with 503 while
// their answer is written).
std::uint64_t descriptors_to_come(const config::Settings& settings);

// Pure: the connection budget for `limit` descriptors with `reserved` kept back.
DescriptorBudget connection_budget(std::uint64_t limit, std::uint64_t reserved,
                                   int max_connections);

// The start-up line that reports a clamp (names MAX_CONNECTIONS and the clamped value).
std::string describe_clamp(const DescriptorBudget& budget, int configured);

}  // namespace gatehouse::app
