// The SQLite store's WAL is copied into the database file by a thread of its own
// (store/sqlite/wal_checkpointer.h): the commits never run that copy, the copy happens all the
// same, and what was committed while it ran is all there after reopening.
#include "store/sqlite/wal_checkpointer.h"

#include "backends.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace skyriver::store {
namespace {

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
  }
  ~Db() { sqlite3_close(db); }
  void exec(const std::string& sql) { ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql; }
  std::int64_t one(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    const auto v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
};

// Commits of `rows` blobs of 3 000 bytes: each fills most of a 4 KiB page.
void write_blobs(Db& d, int first, int rows) {
  d.exec("BEGIN");
  for (int i = first; i < first + rows; ++i)
    d.exec("INSERT INTO t VALUES(" + std::to_string(i) + ", zeroblob(3000))");
  d.exec("COMMIT");
}

TEST(WalCheckpointer, CopiesTheWalIntoTheFileOffTheCommitPathAndLosesNothing) {
  const auto dir = testkit::scratch_dir();
  const std::string path = (dir / "wal.db").string();
  std::uintmax_t file_after_commit = 0;
  {
    Db d(path);
    d.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
    WalCheckpointer cp(d.db, path);
    // Below the wake-up mark SQLite's own automatic checkpoint (every 1 000 pages, inside the
    // commit) would already have copied these ~3 000 pages into the file; now nothing does.
    write_blobs(d, 0, 3000);
    file_after_commit = std::filesystem::file_size(path);
    EXPECT_LT(file_after_commit, 1000u * 4096) << "the commit ran a checkpoint itself";
    // Past the wake-up mark the thread copies the WAL into the file, while commits go on.
    write_blobs(d, 3000, WalCheckpointer::kWakePages);
    for (int k = 0; k < 20; ++k) write_blobs(d, 3000 + WalCheckpointer::kWakePages + 100 * k, 100);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::filesystem::file_size(path) < std::uintmax_t(WalCheckpointer::kWakePages) * 4096 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_GE(std::filesystem::file_size(path), std::uintmax_t(WalCheckpointer::kWakePages) * 4096);
  }
  Db again(path);  // every committed row, whichever checkpoint copied it
  const std::int64_t n = 3000 + WalCheckpointer::kWakePages + 2000;
  EXPECT_EQ(again.one("SELECT count(*) FROM t"), n);
  EXPECT_EQ(again.one("SELECT sum(length(b)) FROM t"), n * 3000);
  EXPECT_EQ(again.one("SELECT max(id) FROM t"), n - 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace skyriver::store
