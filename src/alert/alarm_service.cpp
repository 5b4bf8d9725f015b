#include "alert/alarm_service.h"

#include "core/error.h"
#include "core/log.h"

#include <algorithm>
#include <chrono>

namespace skyriver::alert {

namespace {

core::Instant wall_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

AlarmService::AlarmService(const model::CityConfig& city, AlarmRules rules, std::string store_url)
    : city_(city), engine_(city, std::move(rules)), url_(std::move(store_url)), store_(store::Store::open(url_)) {}

AlarmService::~AlarmService() {
  {
    std::lock_guard lock(thread_mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlarmService::add_listener(Listener l) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(l));
}

void AlarmService::commit(std::vector<AlarmChange> changes, std::unique_lock<std::mutex>& lock) {
  if (changes.empty()) return;
  std::vector<store::Record> recs;
  recs.reserve(changes.size());
  for (const auto& c : changes) {
    auto body = to_json(c.alarm);
    body["change"] = c.change;  // opened, updated, escalated, acknowledged, closed, linked (for the history)
    recs.push_back({0, kAlarmRecord, c.alarm.id, c.alarm.updated_at, c.alarm.updated_by, body.dump()});
  }
  store_->append(std::span<store::Record>(recs));
  auto listeners = listeners_;
  lock.unlock();
  for (const auto& c : changes)
    for (const auto& l : listeners) {
      try {
        l(c);
      } catch (const std::exception& e) {
        spdlog::error("alarm listener: {}", e.what());
      }
    }
  lock.lock();
}

void AlarmService::feed(std::vector<store::Observation>& obs, std::unique_lock<std::mutex>& lock) {
  // In time order, one hour at a time, so cross-site rules see each hour whole.
  std::stable_sort(obs.begin(), obs.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  std::size_t i = 0;
  while (i < obs.size()) {
    std::size_t j = i;
    const core::Instant hour = obs[i].time - ((obs[i].time % core::kHour) + core::kHour) % core::kHour;
    while (j < obs.size() && obs[j].time < hour + core::kHour) ++j;
    commit(engine_.observe(std::span(obs).subspan(i, j - i), wall_now()), lock);
    i = j;
  }
}

RecoverReport AlarmService::recover(std::optional<core::Instant> latest) {
  std::unique_lock lock(mutex_);
  RecoverReport rep;
  store::RecordQuery q;
  q.kind = kAlarmRecord;
  q.latest_per_key = true;
  std::vector<Alarm> alarms;
  for (const auto& r : store_->records(q)) {
    try {
      alarms.push_back(alarm_from_json(nlohmann::json::parse(r.body)));
    } catch (const std::exception& e) {
      spdlog::warn("alarm record {} ({}) skipped: {}", r.id, r.key, e.what());
    }
  }
  rep.restored = alarms.size();
  engine_.restore(alarms);
  store::RecordQuery cq;
  cq.kind = kAlarmCursorRecord;
  cq.key = "imports";
  cq.newest_first = true;
  cq.limit = 1;
  for (const auto& r : store_->records(cq)) import_cursor_ = nlohmann::json::parse(r.body).value("import", std::int64_t{0});
  if (latest) {
    const core::Instant from = *latest - core::Instant(engine_.rules().replay_hours) * core::kHour;
    // The year's outlet loads before the replay window: totals only, no alarm.
    std::vector<std::string> outlets;
    for (const auto& o : city_.sources.outlets) outlets.push_back(o.site);
    const core::Date d = core::beijing_date(from);
    const core::Instant year_start = core::beijing_midnight({d.year, 1, 1});
    if (!outlets.empty() && year_start < from) {
      store::Query pq;
      pq.sites = outlets;
      pq.interval = store::Interval::hour;
      pq.from = year_start;
      pq.to = from;
      std::vector<store::Observation> prime;
      store_->scan(pq, [&](const store::Observation& o) { prime.push_back(o); });
      engine_.prime_loads(prime);
      rep.primed = prime.size();
    }
    store::Query rq;
    rq.interval = store::Interval::hour;
    rq.from = from;
    std::vector<store::Observation> window;
    store_->scan(rq, [&](const store::Observation& o) { window.push_back(o); });
    rep.replayed = window.size();
    const auto before = engine_.alarms().size();
    feed(window, lock);
    rep.changes = engine_.alarms().size() - before;
  }
  catch_up_imports(lock);
  return rep;
}

void AlarmService::catch_up_imports(std::unique_lock<std::mutex>& lock) {
  std::int64_t newest = import_cursor_;
  core::Instant since = std::numeric_limits<core::Instant>::max();
  for (const auto& r : store_->imports()) {
    if (r.id <= import_cursor_) continue;
    if (r.status == "running") break;  // wait for it: later imports are read after it
    newest = r.id;
    since = std::min(since, r.started);
  }
  if (newest == import_cursor_) return;
  std::vector<store::Observation> obs;
  store::Query q;
  q.received_from = since;
  // HJ 212 values reached the engine through observe() as they were stored.
  store_->scan(q, [&](const store::Observation& o) {
    if (o.source_kind != "hj212") obs.push_back(o);
  });
  feed(obs, lock);
  import_cursor_ = newest;
  store::Record r{0, kAlarmCursorRecord, "imports", 0, "system", nlohmann::json{{"import", newest}}.dump()};
  store_->append(r);
}

void AlarmService::start(double poll_seconds) {
  thread_ = std::thread([this, poll_seconds] {
    std::unique_lock tl(thread_mutex_);
    while (!stop_) {
      tl.unlock();
      try {
        poll();
      } catch (const std::exception& e) {
        spdlog::error("alarms: {}", e.what());
      }
      tl.lock();
      cv_.wait_for(tl, std::chrono::duration<double>(poll_seconds), [this] { return stop_; });
    }
  });
}

void AlarmService::poll() {
  std::unique_lock lock(mutex_);
  catch_up_imports(lock);
  const core::Instant now = wall_now();
  if (now - last_tick_ >= engine_.rules().offline_check_seconds) {
    last_tick_ = now;
    commit(engine_.tick(now), lock);
  }
}

void AlarmService::observe(std::span<const store::Observation> batch) {
  std::unique_lock lock(mutex_);
  commit(engine_.observe(batch, wall_now()), lock);
}

Alarm AlarmService::acknowledge(const std::string& id, const std::string& who) {
  std::unique_lock lock(mutex_);
  auto c = engine_.acknowledge(id, who, wall_now());
  commit({c}, lock);
  return c.alarm;
}

Alarm AlarmService::close(const std::string& id, const std::string& reason, const std::string& who) {
  std::unique_lock lock(mutex_);
  auto c = engine_.close(id, reason, who, wall_now());
  commit({c}, lock);
  return c.alarm;
}

Alarm AlarmService::link_task(const std::string& id, const std::string& task, const std::string& who) {
  std::unique_lock lock(mutex_);
  auto c = engine_.link_task(id, task, who, wall_now());
  commit({c}, lock);
  return c.alarm;
}

std::vector<Alarm> AlarmService::alarms(const AlarmFilter& f) const {
  std::lock_guard lock(mutex_);
  std::vector<Alarm> out;
  for (auto& a : engine_.alarms()) {
    if (!f.kind.empty() && a.kind != f.kind) continue;
    if (!f.state.empty() && a.state != f.state && !(f.state == "active" && a.active())) continue;
    if (!f.site.empty() && a.site != f.site) continue;
    if (!f.county.empty() && a.county != f.county) continue;
    if (!f.enterprise.empty() && a.enterprise != f.enterprise) continue;
    if (!f.parameter.empty() && a.parameter != f.parameter) continue;
    if (a.severity < f.min_severity) continue;
    if (a.last < f.from || a.first >= f.to) continue;
    out.push_back(std::move(a));
  }
  std::reverse(out.begin(), out.end());  // newest first
  if (f.limit && out.size() > f.limit) out.resize(f.limit);
  return out;
}

std::optional<Alarm> AlarmService::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  if (const Alarm* a = engine_.find(id)) return *a;
  return std::nullopt;
}

std::vector<store::Record> AlarmService::history(const std::string& id) {
  std::lock_guard lock(mutex_);
  store::RecordQuery q;
  q.kind = kAlarmRecord;
  q.key = id;
  return store_->records(q);
}

}  // namespace skyriver::alert
