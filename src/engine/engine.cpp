#include "engine/engine.h"

#include "engine/daily_cache.h"

#include <chrono>

namespace skyriver::engine {

std::uint8_t SourceRule::rank(const std::string& source_kind) const {
  for (std::size_t i = 0; i < order.size() && i < 254; ++i)
    if (order[i] == source_kind) return static_cast<std::uint8_t>(i);
  return static_cast<std::uint8_t>(std::min<std::size_t>(order.size(), 254));
}

namespace {

struct City {
  std::vector<Site> sites;
  std::vector<Area> areas;
  std::unordered_map<std::string, std::size_t> site_index, area_index;
  std::unordered_set<std::string> parameters;
  standards::AreaConfig area_rule;
};

// Where each (site, parameter) lives in State::rows. Sites seen in data but not configured get
// a slot too, so no value is dropped. Replaced (copied) only when a new site or parameter appears.
struct Index {
  std::unordered_map<std::string, std::size_t> site_slot, param_slot;
  std::vector<std::string> param_codes;
};

using Row = std::vector<std::shared_ptr<HourlySeries>>;  // per parameter slot; nullptr = none

core::Instant system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

// One published state. Never changed once published: a writer copies it (a few pointers per
// site), un-shares only the rows and series it writes, and publishes the copy.
struct Engine::State {
  std::shared_ptr<const City> city = std::make_shared<City>();
  std::shared_ptr<const Index> index = std::make_shared<Index>();
  std::vector<std::shared_ptr<Row>> rows;  // per site slot
  std::size_t values = 0;
  std::uint64_t version = 0;
  // Shared by every snapshot of one city configuration: its fingerprints tell snapshots apart.
  std::shared_ptr<DailyCache> daily_cache = std::make_shared<DailyCache>();

  const HourlySeries* series(const std::string& site, const std::string& parameter) const {
    auto s = index->site_slot.find(site);
    auto p = index->param_slot.find(parameter);
    if (s == index->site_slot.end() || p == index->param_slot.end()) return nullptr;
    const Row& row = *rows[s->second];
    if (p->second >= row.size() || !row[p->second] || row[p->second]->empty()) return nullptr;
    return row[p->second].get();
  }
  std::vector<std::string> parameters(const std::string& site) const {
    std::vector<std::string> out;
    auto s = index->site_slot.find(site);
    if (s == index->site_slot.end()) return out;
    const Row& row = *rows[s->second];
    for (std::size_t p = 0; p < row.size(); ++p)
      if (row[p] && !row[p]->empty()) out.push_back(index->param_codes[p]);
    return out;
  }
};

struct Engine::Shared {
  std::mutex write;  // one writer at a time; readers never take it
  mutable std::mutex current_mutex;  // guards only the pointer swap
  std::shared_ptr<const State> current = std::make_shared<State>();
  SourceRule rule;
  std::function<core::Instant()> now = system_now;
  core::Instant max_future = core::kHour;
  std::mutex listeners_mutex;
  std::vector<std::function<void(const std::vector<Update>&)>> listeners;
};

// The private copy of the state a writer works on (under Shared::write).
class Engine::Draft {
 public:
  explicit Draft(const std::shared_ptr<const State>& current) : s_(std::make_shared<State>(*current)) { ++s_->version; }
  State& state() { return *s_; }
  std::shared_ptr<const State> take() { return std::move(s_); }

  // The series of (site, parameter) in the draft, created if missing, un-shared from the
  // published state: a row or series the published state still refers to is copied first
  // (copy-on-write; see series.h for the chunks within a series).
  HourlySeries& series(const std::string& site, const std::string& parameter) {
    State& st = *s_;
    auto s = st.index->site_slot.find(site);
    auto p = st.index->param_slot.find(parameter);
    if (s == st.index->site_slot.end() || p == st.index->param_slot.end()) {
      auto idx = std::make_shared<Index>(*st.index);
      if (idx->site_slot.try_emplace(site, st.rows.size()).second) st.rows.push_back(std::make_shared<Row>());
      if (idx->param_slot.try_emplace(parameter, idx->param_codes.size()).second) idx->param_codes.push_back(parameter);
      st.index = idx;
      s = idx->site_slot.find(site);
      p = idx->param_slot.find(parameter);
    }
    auto& row = st.rows[s->second];
    if (row.use_count() > 1) row = std::make_shared<Row>(*row);
    if (row->size() <= p->second) row->resize(p->second + 1);
    auto& series = (*row)[p->second];
    if (!series) series = std::make_shared<HourlySeries>();
    else if (series.use_count() > 1) series = std::make_shared<HourlySeries>(*series);
    return *series;
  }

 private:
  std::shared_ptr<State> s_;
};

Engine::Engine() : shared_(std::make_unique<Shared>()) {}
Engine::Engine(std::shared_ptr<const State> view) : view_(std::move(view)) {}
Engine::~Engine() = default;

std::shared_ptr<const Engine::State> Engine::snapshot() const {
  if (view_) return view_;
  std::lock_guard lock(shared_->current_mutex);
  return shared_->current;
}

const Engine::State& Engine::state() const {
  if (view_) return *view_;
  std::lock_guard lock(shared_->current_mutex);
  return *shared_->current;  // the engine itself: single-threaded use only (see engine.h)
}

void Engine::publish(std::shared_ptr<const State> next) {
  std::lock_guard lock(shared_->current_mutex);
  shared_->current = std::move(next);
}

void Engine::set_city(std::vector<Site> sites, std::vector<Area> areas, std::vector<std::string> parameters) {
  auto city = std::make_shared<City>();
  city->sites = std::move(sites);
  city->areas = std::move(areas);
  for (std::size_t i = 0; i < city->sites.size(); ++i) city->site_index[city->sites[i].id] = i;
  for (std::size_t i = 0; i < city->areas.size(); ++i) city->area_index[city->areas[i].code] = i;
  city->parameters.insert(parameters.begin(), parameters.end());
  std::lock_guard lock(shared_->write);
  Draft draft(snapshot());
  city->area_rule = draft.state().city->area_rule;
  draft.state().city = std::move(city);
  draft.state().daily_cache = std::make_shared<DailyCache>();  // other sites, other targets
  publish(draft.take());
}

void Engine::set_area_rule(standards::AreaConfig rule) {
  std::lock_guard lock(shared_->write);
  Draft draft(snapshot());
  auto city = std::make_shared<City>(*draft.state().city);
  city->area_rule = rule;
  draft.state().city = std::move(city);
  draft.state().daily_cache = std::make_shared<DailyCache>();  // records made under the old rule
  publish(draft.take());
}

void Engine::set_source_rule(SourceRule rule) {
  std::lock_guard lock(shared_->write);
  shared_->rule = std::move(rule);
}

void Engine::set_clock(std::function<core::Instant()> now, core::Instant max_future) {
  std::lock_guard lock(shared_->write);
  shared_->now = std::move(now);
  shared_->max_future = max_future;
}

PutResult Engine::put(const std::vector<Update>& batch, bool notify) {
  PutResult r;
  std::vector<Update> changed;
  {
    std::lock_guard lock(shared_->write);
    Draft draft(snapshot());
    const core::Instant horizon = shared_->now() + shared_->max_future;
    for (const auto& u : batch) {
      if (u.time > horizon) {
        ++r.future;
        continue;
      }
      switch (draft.series(u.site, u.parameter).put(u.time, u.value, u.flag == 'N', shared_->rule.rank(u.source_kind))) {
        case HourlySeries::PutResult::added: ++r.added; break;
        case HourlySeries::PutResult::replaced: ++r.replaced; break;
        case HourlySeries::PutResult::kept: ++r.kept; continue;
      }
      if (notify) changed.push_back(u);
    }
    if (r.added + r.replaced == 0) return r;  // nothing changed: same version, caches stay
    draft.state().values += r.added;
    publish(draft.take());
  }
  if (changed.empty()) return r;
  std::lock_guard lock(shared_->listeners_mutex);
  for (auto& l : shared_->listeners) l(changed);
  return r;
}

void Engine::mark(const std::string& site, const std::string& parameter, core::Instant from, core::Instant to,
                  Mark m, bool on) {
  std::lock_guard lock(shared_->write);
  Draft draft(snapshot());
  const std::vector<std::string> params = parameter.empty() ? draft.state().parameters(site) : std::vector{parameter};
  for (const auto& p : params) {
    HourlySeries& s = draft.series(site, p);
    for (core::Instant t = from; t < to; t += core::kHour) s.set_mark(t, m, on);
  }
  publish(draft.take());
}

void Engine::subscribe(std::function<void(const std::vector<Update>&)> listener) {
  std::lock_guard lock(shared_->listeners_mutex);
  shared_->listeners.push_back(std::move(listener));
}

const std::vector<Site>& Engine::sites() const { return state().city->sites; }
const standards::AreaConfig& Engine::area_rule() const { return state().city->area_rule; }
const std::vector<Area>& Engine::areas() const { return state().city->areas; }

const Site* Engine::site(const std::string& id) const {
  const City& c = *state().city;
  auto it = c.site_index.find(id);
  return it == c.site_index.end() ? nullptr : &c.sites[it->second];
}

const Area* Engine::area(const std::string& code) const {
  const City& c = *state().city;
  auto it = c.area_index.find(code);
  return it == c.area_index.end() ? nullptr : &c.areas[it->second];
}

bool Engine::knows_parameter(const std::string& code) const {
  const State& st = state();
  if (st.city->parameters.count(code)) return true;
  auto p = st.index->param_slot.find(code);
  if (p == st.index->param_slot.end()) return false;
  for (const auto& row : st.rows)
    if (p->second < row->size() && (*row)[p->second] && !(*row)[p->second]->empty()) return true;
  return false;
}

const HourlySeries* Engine::series(const std::string& site, const std::string& parameter) const {
  return state().series(site, parameter);
}

std::vector<std::string> Engine::parameters(const std::string& site) const { return state().parameters(site); }

std::optional<core::Instant> Engine::latest_hour(const std::string& kind) const {
  const auto snap = snapshot();
  std::optional<core::Instant> best;
  for (const auto& [id, slot] : snap->index->site_slot) {
    if (!kind.empty()) {
      auto it = snap->city->site_index.find(id);
      if (it == snap->city->site_index.end() || snap->city->sites[it->second].kind != kind) continue;
    }
    for (const auto& series : *snap->rows[slot]) {
      core::Instant t;
      if (series && series->latest(t) && (!best || t > *best)) best = t;
    }
  }
  return best;
}

std::size_t Engine::value_count() const { return snapshot()->values; }
std::uint64_t Engine::version() const { return snapshot()->version; }
DailyCache* Engine::daily_cache() const { return state().daily_cache.get(); }

}  // namespace skyriver::engine
