// WalCheckpointer (store/sqlite/wal_checkpointer.hpp): connections never checkpoint on their
// own, the checkpointer copies the WAL into the database file in the background, and the WAL
// is then reused from its start rather than growing. (The RESTART for writes that never pause
// has no test here: how far the WAL grows before one depends on the machine's timing.)
#include "store/sqlite/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_connection.hpp"
#include "unit/store_fixture.hpp"

namespace gatehouse::store::sqlite {
namespace {

using namespace std::chrono_literals;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_sqlite_path();
    auto conn = Connection::open(path_);
    ASSERT_TRUE(conn);
    conn_ = std::move(*conn);
    ASSERT_TRUE(conn_->exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
  }
  void TearDown() override {
    conn_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  // `pages` commits of one row each, each row filling about one 4 KiB page.
  void write_pages(int pages) {
    for (int batch = 0; batch < pages; ++batch) {
      ASSERT_TRUE(conn_->exec("BEGIN"));
      ASSERT_TRUE(conn_->exec("INSERT INTO filler (body) SELECT printf('%.3800c', 'x')"));
      ASSERT_TRUE(conn_->exec("COMMIT"));
    }
  }

  std::uintmax_t database_file_size() const { return std::filesystem::file_size(path_); }
  std::uintmax_t wal_file_size() const { return std::filesystem::file_size(path_ + "-wal"); }

  static bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 200; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return done();
  }

  std::string path_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(WalCheckpointerTest, ConnectionsLeaveTheWalToTheCheckpointer) {
  const auto before = database_file_size();
  write_pages(1500);  // past SQLite's default automatic checkpoint (1000 pages)
  EXPECT_EQ(database_file_size(), before) << "no commit copied the WAL into the file";

  auto checkpointer = WalCheckpointer::start(path_, {10ms, 1 << 30, 20ms});
  ASSERT_TRUE(checkpointer);
  EXPECT_TRUE(eventually([&] { return database_file_size() > before + 1000 * 4096; }))
      << "the checkpointer copied the pages: " << database_file_size();
}

TEST_F(WalCheckpointerTest, TheWalIsReusedInsteadOfGrowing) {
  auto checkpointer = WalCheckpointer::start(path_, {10ms, 200, 100ms});
  ASSERT_TRUE(checkpointer);
  // Twelve bursts of about 300 frames (each commit writes the row's page, its parent and the
  // header), with pauses in which the checkpointer runs: the WAL starts again from its
  // beginning after each, so the file never holds much more than one burst. Without
  // checkpoints it would hold all 3,600 frames (14 MB).
  for (int burst = 0; burst < 12; ++burst) {
    write_pages(100);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_LT(wal_file_size(), 1000u * 4096) << "the WAL grew instead of being reused";
}

TEST_F(WalCheckpointerTest, AnUnopenableDatabaseIsReported) {
  auto checkpointer = WalCheckpointer::start("/nonexistent-gatehouse-dir/sub/gatehouse.db");
  ASSERT_FALSE(checkpointer);
  EXPECT_TRUE(checkpointer.error().is(ErrorCode::kUnavailable));
}

}  // namespace
}  // namespace gatehouse::store::sqlite
