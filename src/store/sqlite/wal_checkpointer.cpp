#include "store/sqlite/wal_checkpointer.hpp"

#include "observability/log.hpp"

namespace gatehouse::store::sqlite {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path,
                                                                CheckpointSettings settings) {
  auto conn = Connection::open(path);
  if (!conn) return conn.error();
  // Only a RESTART waits, and not for long: meanwhile it holds the write lock.
  (*conn)->set_busy_timeout(settings.restart_wait);
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(*conn), settings));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<Connection> conn, CheckpointSettings settings)
    : conn_(std::move(conn)), settings_(settings), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.interval, [this] { return stopping_; });
    lock.unlock();
    checkpoint_once();
    lock.lock();
  }
}

void WalCheckpointer::checkpoint_once() {
  auto log_frames = conn_->checkpoint(CheckpointMode::kPassive);
  // Under a steady write load a PASSIVE checkpoint never catches up with the last commit, and
  // a writer only starts the WAL again when it began its transaction with everything copied:
  // the WAL would grow without end. A RESTART holds the writers back until it has copied all
  // and the readers have left the WAL.
  if (log_frames && *log_frames >= settings_.restart_frames) {
    log_frames = conn_->checkpoint(CheckpointMode::kRestart);
  }
  if (!log_frames) {
    // A busy or full disk shows here first; the next round tries again.
    obs::warning(obs::Category::kDatabase, "WAL checkpoint failed: {}", log_frames.error().cause);
  }
}

}  // namespace gatehouse::store::sqlite
