// AlarmService: the alarm engine at work in `skyriver serve`. It keeps every alarm change in
// the store's records journal (kind "alarm", key = alarm id, one new record per change, who and
// when), tells the listeners (live stream, webhook) after each change is committed, and feeds
// the engine from three places:
//   - observe(): values as they are stored (the HJ 212 server's on_stored callback);
//   - the store's import log, looked at every poll: values of imports finished since the last
//     look (a cursor kept in the journal, kind "alarm_cursor") are read back from the store;
//   - recover() at start: the journal's alarms are restored, then the last replay_hours of
//     hourly data (and the current year's outlet loads) are replayed. The engine is idempotent,
//     so nothing is lost or repeated across a restart.
// The wall clock is checked for silent HJ 212 stations every offline_check_seconds.
//
// Thread-safe: every public method may be called from any thread. Listeners run on the
// calling thread after the lock is released, in the order the changes were committed.
#pragma once

#include "alert/alarm_engine.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace skyriver::alert {

struct AlarmFilter {
  std::string kind, state, site, county, enterprise, parameter;
  int min_severity = 0;
  core::Instant from = std::numeric_limits<core::Instant>::min();  // alarms whose [first, last]
  core::Instant to = std::numeric_limits<core::Instant>::max();    // overlaps [from, to)
  std::size_t limit = 0;  // 0 = all; newest first
};

struct RecoverReport {
  std::size_t restored = 0, replayed = 0, primed = 0, changes = 0;
};

class AlarmService {
 public:
  using Listener = std::function<void(const AlarmChange&)>;

  // Opens its own store connection(s) on store_url.
  AlarmService(const model::CityConfig& city, AlarmRules rules, std::string store_url);
  ~AlarmService();  // stops the background thread

  void add_listener(Listener l);
  // At start, before start(): restore, replay from the latest data hour, catch up on imports.
  RecoverReport recover(std::optional<core::Instant> latest_data_hour);
  // Starts the background thread (import log every poll_seconds, the offline clock).
  void start(double poll_seconds);

  void observe(std::span<const store::Observation> batch);
  // One look at the import log and the clock now (what the thread does each poll).
  void poll();

  // Human steps; throw core::Error on an unknown id or a step not allowed.
  Alarm acknowledge(const std::string& id, const std::string& who);
  Alarm close(const std::string& id, const std::string& reason, const std::string& who);
  Alarm link_task(const std::string& id, const std::string& task, const std::string& who);

  std::vector<Alarm> alarms(const AlarmFilter& f) const;
  std::optional<Alarm> find(const std::string& id) const;
  std::vector<store::Record> history(const std::string& id);

 private:
  void commit(std::vector<AlarmChange> changes, std::unique_lock<std::mutex>& lock);
  void catch_up_imports(std::unique_lock<std::mutex>& lock);
  void feed(std::vector<store::Observation>& obs, std::unique_lock<std::mutex>& lock);

  const model::CityConfig& city_;
  AlarmEngine engine_;
  std::string url_;
  std::unique_ptr<store::Store> store_;
  mutable std::mutex mutex_;
  std::vector<Listener> listeners_;
  std::int64_t import_cursor_ = 0;
  core::Instant last_tick_ = 0;

  std::mutex thread_mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

inline constexpr const char* kAlarmCursorRecord = "alarm_cursor";

}  // namespace skyriver::alert
