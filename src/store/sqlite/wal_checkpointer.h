// Copies a SQLite store's WAL back into its database file on a thread of its own, so that a
// commit (and the acknowledgement waiting for it) never waits for that copy.
//
// Why: SQLite's automatic checkpoint runs inside the committing call whenever the WAL has grown
// past 1 000 pages. A write to many series dirties one page per series, so under steady ingest
// (2 000 stations, 12 000 series) nearly every commit paid a checkpoint: it copied ~4 MiB and
// synced the database file before the commit returned. Here the writer connection's automatic
// checkpoint is replaced by a WAL hook that only wakes this thread (at kWakePages); the thread
// runs PASSIVE checkpoints on its own connection, which never block a writer or a reader.
// Because a passive checkpoint racing a busy writer may never see the WAL fully copied (and
// SQLite restarts the WAL from its start only then), the writer checkpoints inline once the WAL
// reaches kInlinePages; by then the thread has copied nearly all of it, so that inline step is
// short, and it bounds the WAL file (256 MiB, the size bulk imports already allowed).
//
// Durability is unchanged: commits are synced in the WAL (synchronous=FULL), and a checkpoint
// syncs the WAL before and the database file after copying, as SQLite always does.
//
// Contract:
// - REQUIRES: `writer` is a WAL-mode connection to the file `path`, outlives this object, and
//   has no other WAL hook or automatic-checkpoint setting applied after this is constructed.
// - The hook runs on the writer's thread; the checkpoint thread uses its own connection.
// - A failed background checkpoint is retried at the next wake-up; the inline one is SQLite's
//   own and its result is ignored as the automatic checkpoint's is.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace skyriver::store {

class WalCheckpointer {
 public:
  static constexpr int kWakePages = 8192;     // 32 MiB of 4 KiB pages: wake the thread
  static constexpr int kInlinePages = 65536;  // 256 MiB: the writer checkpoints itself

  WalCheckpointer(sqlite3* writer, std::string path);
  ~WalCheckpointer();  // stops and joins the thread (closing the writer then checkpoints the rest)
  // A bulk load: no background copies any more, only the inline one at kInlinePages, so that a
  // page rewritten by many commits is copied into the file once per 256 MiB of WAL.
  void bulk() { wake_pages_ = kInlinePages; }
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false, stopping_ = false;
  std::atomic<int> wake_pages_{kWakePages};
  std::thread thread_;
};

}  // namespace skyriver::store
