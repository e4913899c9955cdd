#pragma once
// WalCheckpointer: copies the SQLite WAL back into the database file on a thread of its own.
// Connections run with wal_autocheckpoint=0 (sqlite_connection.cpp), so no request pays for a
// checkpoint, and the copy happens in batches: a page written by many commits between two
// checkpoints is copied once. Every `interval` it runs a PASSIVE checkpoint (never waits);
// when the WAL holds `restart_frames` or more, it runs a RESTART, which holds writers back
// until everything is copied and waits at most `restart_wait` for readers, so the next writer
// starts the WAL from the beginning instead of growing it under a steady load.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/sqlite_connection.hpp"

namespace gatehouse::store::sqlite {

struct CheckpointSettings {
  std::chrono::milliseconds interval{50};
  int restart_frames = 4096;  // 16 MB of 4 KiB pages
  std::chrono::milliseconds restart_wait{20};
};

class WalCheckpointer {
 public:
  // Starts the thread with a connection of its own; kUnavailable when it cannot be opened.
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path,
                                                        CheckpointSettings settings = {});

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;
  // Stops the thread after a last checkpoint.
  ~WalCheckpointer();

 private:
  WalCheckpointer(std::unique_ptr<Connection> conn, CheckpointSettings settings);
  void run();
  void checkpoint_once();

  std::unique_ptr<Connection> conn_;
  CheckpointSettings settings_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::store::sqlite
