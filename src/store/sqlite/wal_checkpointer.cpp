#include "store/sqlite/wal_checkpointer.h"

namespace skyriver::store {

WalCheckpointer::WalCheckpointer(sqlite3* writer, std::string path) : path_(std::move(path)) {
  sqlite3_wal_hook(writer, &WalCheckpointer::on_commit, this);  // replaces the automatic checkpoint
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages) {
  auto& me = *static_cast<WalCheckpointer*>(self);
  if (pages >= kInlinePages) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= me.wake_pages_) {
    {
      std::lock_guard lk(me.mu_);
      me.wanted_ = true;
    }
    me.cv_.notify_one();
  }
  return SQLITE_OK;  // the commit itself is done and durable whatever the checkpoint does
}

void WalCheckpointer::run() {
  // The connection is opened at the first wake-up, not at start: most stores (readers, short
  // commands) never write 32 MiB and should not pay for a second connection.
  sqlite3* db = nullptr;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return wanted_ || stopping_; });
      if (stopping_) break;
      wanted_ = false;
    }
    if (!db) {
      if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);  // retried at the next wake-up
        db = nullptr;
        continue;
      }
      sqlite3_busy_timeout(db, 1000);
      sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    }
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  sqlite3_close(db);  // safe on nullptr; never the last connection while the writer lives
}

}  // namespace skyriver::store
