// Several `skyriver serve` processes on one PostgreSQL store (docs/province.md): each shows the
// values the others write, live. A ChangeFollower listens for the store's change notices
// (store/changes.h, sent at commit by every write) and pulls what they announce into the
// engine with engine::refresh (observations received since the notice's instant), which
// announces them on the live stream like local data. On SQLite (one writing process) it does
// nothing: `active()` is false.
//
// Contract:
// - Starts its own thread and store connections; the destructor stops and joins it.
// - Once listening it first re-reads what was received since `catch_up_from` (what committed
//   between the engine's load and the LISTEN); after a lost connection it re-reads from a minute
//   before the loss (notices sent meanwhile are lost), retrying every `retry_seconds`.
// - Writes of this same process are not re-read (they reached the engine directly).
// REQUIRES: the engine outlives the follower.
#pragma once

#include "core/time.h"
#include "engine/engine.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace skyriver::app {

class ChangeFollower {
 public:
  ChangeFollower(engine::Engine& e, std::string url, double retry_seconds, core::Instant catch_up_from);
  ~ChangeFollower();
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;
  bool active() const { return thread_.joinable(); }

 private:
  void run(core::Instant catch_up_from);
  engine::Engine& engine_;
  std::string url_;
  double retry_seconds_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace skyriver::app
