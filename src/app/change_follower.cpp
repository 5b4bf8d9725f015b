#include "app/change_follower.h"

#include "core/log.h"
#include "core/secret.h"
#include "engine/load.h"
#include "store/changes.h"
#include "store/store.h"

#include <chrono>
#include <optional>

namespace skyriver::app {

namespace {
core::Instant wall_clock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
bool is_postgres(const std::string& url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }
}  // namespace

ChangeFollower::ChangeFollower(engine::Engine& e, std::string url, double retry_seconds, core::Instant catch_up_from)
    : engine_(e), url_(std::move(url)), retry_seconds_(retry_seconds) {
  if (is_postgres(url_)) thread_ = std::thread([this, catch_up_from] { run(catch_up_from); });
}

ChangeFollower::~ChangeFollower() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChangeFollower::run(core::Instant catch_up_from) {
  std::unique_ptr<store::ChangeListener> listener;
  std::unique_ptr<store::Store> s;
  std::optional<core::Instant> reread = catch_up_from;
  bool failing = false;
  auto stopped = [this] {
    std::lock_guard lock(mutex_);
    return stop_;
  };
  while (!stopped()) {
    try {
      if (!listener) {
        listener = store::listen(url_);
        s = store::Store::open(url_);
        spdlog::info("following the store's changes ({})", core::redact_url(url_));
        failing = false;
      }
      // Stop is checked between short waits; a notice wakes the wait at once.
      std::optional<core::Instant> from = listener->wait(std::chrono::milliseconds(250));
      if (reread) from = std::min(from.value_or(*reread), *reread);
      if (from) {
        const std::size_t n = engine::refresh(engine_, *s, *from);
        reread.reset();
        if (n) spdlog::debug("changes received from {}: {} hourly values changed", *from, n);
      }
    } catch (const std::exception& e) {
      if (!failing)
        spdlog::error("following the store's changes: {} (retrying every {} s; logged again when it recovers)", e.what(),
                      retry_seconds_);
      if (listener && !reread) reread = wall_clock() - 60;  // notices sent while away are lost
      failing = true;
      listener.reset();
      s.reset();
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::duration<double>(retry_seconds_), [this] { return stop_; });
    }
  }
}

}  // namespace skyriver::app
