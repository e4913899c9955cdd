#pragma once
// A counter in a small memory-mapped file that every process of one SQLite database shares:
// the CLI bumps it after an edit, and a running server's in-process response cache reads it
// on each lookup (one atomic load, no system call), so a CLI edit is seen at once without
// Redis (docs/http-api.md §10).
#include <cstdint>
#include <memory>
#include <string>

namespace gatehouse::kv {

class SharedGeneration {
 public:
  // Maps `path`, created with mode 0600 when missing and `create` (the server creates it; a
  // CLI command only joins a counter a server made, so a command run as another user never
  // leaves a file the server cannot open). A symbolic link is refused. nullptr when it
  // cannot be opened or mapped, with errno in `error`: the caller then keeps the in-process
  // behaviour (entries live until their TTL).
  static std::unique_ptr<SharedGeneration> open(const std::string& path, bool create,
                                                int* error = nullptr);
  ~SharedGeneration();
  SharedGeneration(const SharedGeneration&) = delete;
  SharedGeneration& operator=(const SharedGeneration&) = delete;

  std::uint64_t load() const;
  // Adds one; returns the value before.
  std::uint64_t bump();

 private:
  explicit SharedGeneration(std::uint64_t* word) : word_(word) {}
  std::uint64_t* word_;
};

// Where the counter of a SQLite database file lives: next to it. Empty for an in-memory
// database (":memory:" or no path), which no other process can share.
inline std::string shared_generation_path(const std::string& sqlite_path) {
  if (sqlite_path.empty() || sqlite_path == ":memory:") return {};
  return sqlite_path + "-cachegen";
}

}  // namespace gatehouse::kv
