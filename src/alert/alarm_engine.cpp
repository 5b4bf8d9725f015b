#include "alert/alarm_engine.h"

#include "core/error.h"
#include "core/text.h"
#include "standards/emission.h"
#include "standards/water_class.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

namespace skyriver::alert {

namespace {

constexpr core::Instant H = core::kHour;
constexpr core::Instant kNever = std::numeric_limits<core::Instant>::min();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Sample {
  double value = 0;
  char flag = 'N';
  bool ok() const { return standards::emission::flag_valid(flag) && std::isfinite(value); }
};

core::Instant period_of(store::Interval i) {
  switch (i) {
    case store::Interval::hour: return H;
    case store::Interval::day: return core::kDay;
    case store::Interval::min: return 60;
    case store::Interval::rtd: return 30;
  }
  return H;
}

std::string fmt(double v, int decimals = 3) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
    const bool dot = s.back() == '.';
    s.pop_back();
    if (dot) break;
  }
  return s;
}

nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(std::stod(fmt(v, 4))) : nlohmann::json(nullptr); }

// Per (site, parameter, interval): the incremental state of the data-quality rules.
struct SeriesState {
  core::Instant last_time = kNever;
  double run_value = kNaN;
  core::Instant run_start = 0;
  bool in_zero = false;
  core::Instant zero_start = 0;
  std::vector<double> ring;  // the last jump_window valid values
  std::size_t ring_pos = 0, ring_n = 0;
};

struct SiteInfo {
  const model::Site* site = nullptr;
  const model::Outlet* outlet = nullptr;
  bool offline = false, quality = false, water = false, air = false;
  std::set<std::string> quality_params;  // empty = every parameter
};

struct SiteState {
  core::Instant covered_until = kNever;  // end of the latest period with data (data time)
  core::Instant last_received = kNever;  // wall clock of the latest HJ 212 value
  core::Instant latest_hour = kNever;
  std::map<core::Instant, std::unordered_map<std::string, Sample>> hours;  // recent hourly rows
};

struct Judged {
  bool exceed = false;
  double value = 0;
  std::string how;
};

}  // namespace

struct AlarmEngine::State {
  std::unordered_map<std::string, SiteInfo> info;
  std::unordered_map<std::string, SiteState> sites;
  std::unordered_map<std::string, SeriesState> series;
  std::unordered_map<std::string, std::map<core::Instant, Judged>> judged;  // site|param
  std::unordered_map<std::string, std::map<std::int64_t, std::array<float, 24>>> loads;  // site|param -> day
  std::unordered_map<std::string, std::map<core::Instant, int>> classes;   // water site -> hour -> rank
  std::unordered_map<std::string, std::map<core::Instant, bool>> dropped;  // air site -> hour
  std::vector<std::string> air_sites;
  std::map<std::string, Alarm> by_id;
  // Episodes are defined by time: one fingerprint may have several alarms, each of its own
  // stretch [first, last]. A firing continues the episode it touches (within reach()).
  std::unordered_map<std::string, std::vector<std::string>> active;  // fingerprint -> open ids
  std::unordered_map<std::string, std::vector<std::pair<core::Instant, core::Instant>>> closed;  // closed [first, last]
  int retention_hours = 48;
  core::Instant class_window = 4 * core::kHour;

  // How far apart two firings of one fingerprint may be and still be one episode: a load
  // alarm's period is in its fingerprint (the whole day or year is one episode); a class drop
  // looks back over its own window; every other rule is of consecutive hours.
  core::Instant reach(const Alarm& a) const {
    if (a.kind == "load") return std::numeric_limits<core::Instant>::max() / 4;
    if (a.kind == "water_anomaly" && a.rule == "class_drop") return class_window;
    return core::kHour;
  }
  static bool touches(const Alarm& a, core::Instant first, core::Instant last, core::Instant reach) {
    return first <= a.last + reach && last >= a.first - reach;
  }
};

AlarmEngine::AlarmEngine(const model::CityConfig& city, AlarmRules rules)
    : city_(city), rules_(std::move(rules)), st_(std::make_unique<State>()) {
  auto has = [](const std::vector<std::string>& v, const std::string& k) { return std::find(v.begin(), v.end(), k) != v.end(); };
  std::unordered_map<std::string, const model::Outlet*> outlets;
  for (const auto& o : city_.sources.outlets) outlets[o.site] = &o;
  for (const auto& s : city_.sites) {
    SiteInfo i;
    i.site = &s;
    i.outlet = outlets.count(s.id) ? outlets.at(s.id) : nullptr;
    i.offline = rules_.offline && has(rules_.offline_kinds, s.kind);
    i.quality = rules_.data_quality && has(rules_.data_quality_kinds, s.kind);
    i.water = s.kind == model::kWater;
    i.air = s.kind == model::kAir && !s.reference;
    if (i.outlet) {
      for (const auto& l : i.outlet->limits) i.quality_params.insert(l.parameter);
      i.quality_params.insert("o2");
      i.quality_params.insert(std::string(i.outlet->flow_parameter()));
    }
    if (i.air) st_->air_sites.push_back(s.id);
    st_->info[s.id] = std::move(i);
  }
  st_->class_window = core::Instant(rules_.class_window_hours) * H;
  st_->retention_hours = std::max({48, rules_.item_window + 2, rules_.severity_hours.back() + 2, rules_.dropout_hours + 2,
                                   rules_.class_window_hours + 2});
}

AlarmEngine::~AlarmEngine() = default;

void AlarmEngine::restore(const std::vector<Alarm>& alarms) {
  for (const auto& a : alarms) {
    st_->by_id[a.id] = a;
    const std::string fp = a.fingerprint();
    if (a.active())
      st_->active[fp].push_back(a.id);
    else
      st_->closed[fp].emplace_back(a.first, a.last);
  }
}

namespace {

// Opens, updates or (with close_reason) closes the alarm of proto's fingerprint.
struct Firing {
  AlarmEngine::State& st;
  const model::CityConfig& city;
  core::Instant now;
  std::vector<AlarmChange>& out;

  void close(Alarm& a, const std::string& reason) {
    a.state = "closed";
    a.reason = reason;
    a.updated_at = now;
    a.updated_by = "system";
    const std::string fp = a.fingerprint();
    auto& ids = st.active[fp];
    ids.erase(std::remove(ids.begin(), ids.end(), a.id), ids.end());
    if (ids.empty()) st.active.erase(fp);
    st.closed[fp].emplace_back(a.first, a.last);
    out.push_back({a, "closed"});
  }

  // The open alarm of fp whose episode [first, last] continues (the earliest if several).
  Alarm* episode_of(const std::string& fp, core::Instant first, core::Instant last, core::Instant reach) {
    auto it = st.active.find(fp);
    if (it == st.active.end()) return nullptr;
    Alarm* best = nullptr;
    for (const auto& id : it->second) {
      Alarm& a = st.by_id.at(id);
      if (AlarmEngine::State::touches(a, first, last, reach) && (!best || a.first < best->first)) best = &a;
    }
    return best;
  }

  void fire(Alarm proto, const std::string& close_reason = "") {
    const std::string fp = proto.fingerprint();
    const core::Instant reach = st.reach(proto);
    if (Alarm* found = episode_of(fp, proto.first, proto.last, reach)) {
      Alarm& a = *found;
      // Later, earlier (a backfilled hour next to it) or worse: the same episode grows.
      const bool later = proto.last > a.last, earlier = proto.first < a.first, worse = proto.severity > a.severity;
      if (later || earlier || worse) {
        if (later) a.last = proto.last;
        if (earlier) a.first = proto.first;
        if (worse) a.severity = proto.severity;
        if (later || worse) a.evidence = proto.evidence;
        a.updated_at = now;
        a.updated_by = "system";
        out.push_back({a, worse ? "escalated" : "updated"});
      }
      if (!close_reason.empty()) close(a, close_reason);
      return;
    }
    // A closed alarm of the same episode: what it covered stays judged and closed; only the
    // hours after it open a new alarm.
    if (auto c = st.closed.find(fp); c != st.closed.end()) {
      for (const auto& [cf, cl] : c->second) {
        if (proto.first > cl + reach || proto.last < cf - reach) continue;
        if (proto.first >= cf && proto.last <= cl) return;  // already judged and closed
        if (proto.first <= cl && proto.last > cl)
          proto.first = cl + H;
        else if (proto.first < cf && proto.last >= cf)
          proto.last = cf - H;
      }
      if (proto.first > proto.last) return;
    }
    proto.id = alarm_id(proto);
    if (st.by_id.count(proto.id)) return;
    if (auto i = st.info.find(proto.site); i != st.info.end()) {
      const model::Site* s = i->second.site;
      proto.county = s->area;
      proto.enterprise = s->attribute("enterprise");
    }
    proto.state = "open";
    proto.opened_at = proto.updated_at = now;
    proto.updated_by = "system";
    Alarm& a = st.by_id[proto.id] = std::move(proto);
    st.active[fp].push_back(a.id);
    out.push_back({a, "opened"});
    if (!close_reason.empty()) close(a, close_reason);
  }

  // The open alarms of (kind, site, param, rule) (no period) whose episode began by `t`.
  std::vector<Alarm*> active_of(const std::string& kind, const std::string& site, const std::string& param,
                                const std::string& rule, core::Instant t = std::numeric_limits<core::Instant>::max()) {
    std::vector<Alarm*> out;
    auto it = st.active.find(fingerprint(kind, site, param, rule, ""));
    if (it == st.active.end()) return out;
    for (const auto& id : it->second)
      if (Alarm& a = st.by_id.at(id); a.first <= t) out.push_back(&a);
    return out;
  }
};

Alarm proto(const std::string& kind, const std::string& rule, const std::string& site, const std::string& param,
            core::Instant first, core::Instant last, int severity, nlohmann::json evidence, std::string period = "") {
  Alarm a;
  a.kind = kind;
  a.rule = rule;
  a.site = site;
  a.parameter = param;
  a.first = first;
  a.last = last;
  a.severity = severity;
  a.evidence = std::move(evidence);
  a.period = std::move(period);
  return a;
}

std::string iso(core::Instant t) { return core::format_iso(t); }

}  // namespace

// --- the rules ---------------------------------------------------------------------------------

namespace {

struct Eval {
  AlarmEngine::State& st;
  const AlarmRules& r;
  Firing& f;

  // Data-quality rules on one value (any interval), in time order per series.
  void quality(const store::Observation& o, const SiteInfo& info) {
    if (!info.quality_params.empty() && !info.quality_params.count(o.parameter)) return;
    SeriesState& s = st.series[o.site + '\x1f' + o.parameter + '\x1f' + std::string(store::to_string(o.interval))];
    if (o.time <= s.last_time) return;
    const core::Instant period = period_of(o.interval);
    // Runs (constant, zero) are of consecutive values: a gap in the data ends them.
    const bool contiguous = s.last_time != kNever && o.time == s.last_time + period;
    s.last_time = o.time;
    if (!contiguous) s.in_zero = false, s.run_value = kNaN;
    const double v = o.value;
    const model::PollutantLimit* lim = info.outlet ? info.outlet->limit(o.parameter) : nullptr;
    if (o.flag == 'T' || (lim && lim->range && v > *lim->range)) {
      f.fire(proto("data_quality", "range", o.site, o.parameter, o.time, o.time, 1,
                   {{"rule", "value above the analyser's measuring range (or flagged T)"},
                    {"value", num(v)}, {"flag", std::string(1, o.flag)},
                    {"range", lim && lim->range ? num(*lim->range) : nlohmann::json(nullptr)}, {"time", iso(o.time)}}));
    }
    if (v < 0) {
      f.fire(proto("data_quality", "negative", o.site, o.parameter, o.time, o.time, 1,
                   {{"rule", "negative value"}, {"value", num(v)}, {"time", iso(o.time)}}));
    }
    if (!standards::emission::flag_valid(o.flag)) return;
    // zero run
    if (v == 0) {
      if (!s.in_zero) s.in_zero = true, s.zero_start = o.time;
      if (o.time + period - s.zero_start >= core::Instant(r.zero_hours) * H)
        f.fire(proto("data_quality", "zero", o.site, o.parameter, s.zero_start, o.time, 1,
                     {{"rule", "zero for " + std::to_string(r.zero_hours) + " h or more"}, {"since", iso(s.zero_start)}}));
    } else {
      s.in_zero = false;
    }
    // constant run (zeros are the zero rule's)
    if (v != s.run_value) s.run_value = v, s.run_start = o.time;
    if (v != 0 && o.time + period - s.run_start >= core::Instant(r.constant_hours) * H)
      f.fire(proto("data_quality", "constant", o.site, o.parameter, s.run_start, o.time, 1,
                   {{"rule", "the same value for " + std::to_string(r.constant_hours) + " h or more"},
                    {"value", num(v)}, {"since", iso(s.run_start)}}));
    // jump against the recent spread
    if (s.ring.size() != std::size_t(r.jump_window)) s.ring.assign(r.jump_window, 0), s.ring_pos = s.ring_n = 0;
    if (s.ring_n >= std::size_t(r.jump_min_points)) {
      double sum = 0, sq = 0;
      for (std::size_t i = 0; i < s.ring_n; ++i) sum += s.ring[i];
      const double mean = sum / s.ring_n;
      for (std::size_t i = 0; i < s.ring_n; ++i) sq += (s.ring[i] - mean) * (s.ring[i] - mean);
      const double sd = std::sqrt(sq / (s.ring_n - 1));
      if (sd > 0 && std::abs(v - mean) > r.jump_k * sd)
        f.fire(proto("data_quality", "jump", o.site, o.parameter, o.time, o.time, 1,
                     {{"rule", "farther than " + fmt(r.jump_k) + " x the standard deviation of the last " +
                                   std::to_string(s.ring_n) + " values from their mean"},
                      {"value", num(v)}, {"mean", num(mean)}, {"sd", num(sd)}, {"time", iso(o.time)}}));
    }
    s.ring[s.ring_pos] = v;
    s.ring_pos = (s.ring_pos + 1) % s.ring.size();
    s.ring_n = std::min(s.ring_n + 1, s.ring.size());
  }

  // Offline on the data's time line: a gap before this value, or the end of a silence.
  void offline(const store::Observation& o, SiteState& ss) {
    const core::Instant period = period_of(o.interval);
    if (ss.covered_until != kNever && o.time - ss.covered_until >= core::Instant(r.offline_minutes) * 60) {
      f.fire(proto("offline", "no_data", o.site, "", ss.covered_until, o.time - period, 2,
                   {{"rule", "no data for " + std::to_string(r.offline_minutes) + " min or more"},
                    {"missing_from", iso(ss.covered_until)}, {"missing_to", iso(o.time)},
                    {"missing_minutes", (o.time - ss.covered_until) / 60}}),
             "recovered: data again from " + iso(o.time));
    } else {
      for (Alarm* a : f.active_of("offline", o.site, "", "no_data", o.time)) f.close(*a, "recovered: data again from " + iso(o.time));
    }
    ss.covered_until = std::max(ss.covered_until, o.time + period);
  }

  // The value an outlet's limit is judged on at hour t (the 折算 value), or nothing.
  std::optional<Judged> judge(const model::PollutantLimit& l, const std::unordered_map<std::string, Sample>& row) {
    auto get = [&](const std::string& p) -> const Sample* {
      auto it = row.find(p);
      return it != row.end() && it->second.ok() ? &it->second : nullptr;
    };
    Judged j;
    if (const Sample* zs = get(l.parameter + "_zs"); zs && l.ref_o2) {
      j.value = zs->value;
      j.how = "ZsAvg value of the frame";
    } else if (l.ref_o2) {
      const Sample *m = get(l.parameter), *o2 = get("o2");
      if (!m || !o2) return std::nullopt;
      const auto c = standards::emission::converted_by_o2(m->value, o2->value, *l.ref_o2);
      if (!c) return std::nullopt;
      j.value = *c;
      j.how = "computed from O2 " + fmt(o2->value) + " % and measured " + fmt(m->value) + " (HJ 212-2017 App. D eq. 28)";
    } else {
      const Sample* m = get(l.parameter);
      if (!m) return std::nullopt;
      j.value = m->value;
      j.how = "measured value (no reference O2)";
    }
    j.exceed = j.value > *l.concentration;
    return j;
  }

  void exceedance(const std::string& site, const model::Outlet& outlet, core::Instant t,
                  const std::unordered_map<std::string, Sample>& row) {
    for (const auto& l : outlet.limits) {
      if (!l.concentration) continue;
      auto j = judge(l, row);
      if (!j) continue;
      auto& m = st.judged[site + '|' + l.parameter];
      m[t] = *j;
      if (!j->exceed) continue;
      core::Instant a = t, b = t;
      for (auto it = m.find(a - H); it != m.end() && it->second.exceed; it = m.find(a - H)) a -= H;
      for (auto it = m.find(b + H); it != m.end() && it->second.exceed; it = m.find(b + H)) b += H;
      const int hours = int((b - a) / H) + 1;
      int severity = 1;
      for (int s = 1; s < 3; ++s)
        if (hours >= r.severity_hours[s]) severity = s + 1;
      nlohmann::json values = nlohmann::json::array();
      for (core::Instant x = std::max(a, b - 5 * H); x <= b; x += H) {
        const auto& jj = m.at(x);
        values.push_back({{"time", iso(x)}, {"value", num(jj.value)}, {"how", jj.how}});
      }
      f.fire(proto("exceedance", "limit", site, l.parameter, a, b, severity,
                   {{"rule", "hourly converted (折算) concentration over the limit"},
                    {"limit", num(*l.concentration)},
                    {"unit", outlet.medium == "water" ? "mg/L" : "mg/m3"},
                    {"ref_o2", l.ref_o2 ? num(*l.ref_o2) : nlohmann::json(nullptr)},
                    {"consecutive_hours", hours},
                    {"values", values}}));
    }
  }

  void loads(const std::string& site, const model::Outlet& outlet, core::Instant t,
             const std::unordered_map<std::string, Sample>& row, bool alarm) {
    auto get = [&](std::string_view p) -> const Sample* {
      auto it = row.find(std::string(p));
      return it != row.end() && it->second.ok() ? &it->second : nullptr;
    };
    const Sample* q = get(outlet.flow_parameter());
    if (!q) return;
    for (const auto& l : outlet.limits) {
      if (!l.daily_kg && !l.annual_t) continue;
      const Sample* c = get(l.parameter);
      if (!c) continue;
      const double kg = outlet.medium == "water" ? standards::emission::water_load_kg_per_hour(c->value, q->value)
                                                 : standards::emission::gas_load_kg_per_hour(c->value, q->value);
      const core::Date d = core::beijing_date(t);
      const std::int64_t day = core::days_from_civil(d);
      auto& days = st.loads[site + '|' + l.parameter];
      auto it = days.find(day);
      if (it == days.end()) {
        std::array<float, 24> blank;
        blank.fill(std::numeric_limits<float>::quiet_NaN());
        it = days.emplace(day, blank).first;
      }
      it->second[core::to_beijing(t).hour] = static_cast<float>(kg);
      if (!alarm) continue;
      double day_kg = 0, year_kg = 0;
      for (float x : it->second)
        if (std::isfinite(x)) day_kg += x;
      const std::int64_t y0 = core::days_from_civil({d.year, 1, 1}), y1 = core::days_from_civil({d.year + 1, 1, 1});
      for (auto y = days.lower_bound(y0); y != days.end() && y->first < y1; ++y)
        for (float x : y->second)
          if (std::isfinite(x)) year_kg += x;
      auto check = [&](double total, double cap, const char* rule, const std::string& period, const char* unit,
                       double scale) {
        if (total < r.load_approach * cap) return;
        const bool over = total > cap;
        f.fire(proto("load", rule, site, l.parameter, t, t, over ? 3 : 1,
                     {{"rule", over ? "permitted load exceeded" : "permitted load approached (" + fmt(r.load_approach * 100) + " % of the cap)"},
                      {"total", num(total / scale)}, {"cap", num(cap)}, {"unit", unit}, {"share", num(total / cap)},
                      {"period", period}, {"at", iso(t)}},
                     period));
      };
      if (l.daily_kg) check(day_kg, *l.daily_kg, "daily_cap", core::format_date(d), "kg", 1);
      if (l.annual_t) check(year_kg / 1000.0, *l.annual_t, "annual_cap", std::to_string(d.year), "t", 1);
    }
  }

  void water(const std::string& site, const SiteInfo& info, core::Instant t, SiteState& ss) {
    const auto& row = ss.hours.at(t);
    const auto body = info.site->attribute("water_body") == "river" || info.site->attribute("water_body").empty()
                          ? standards::WaterBody::River
                          : standards::WaterBody::Lake;
    int worst = 0;
    std::string worst_item;
    for (const auto& [p, s] : row) {
      if (!s.ok()) continue;
      if (auto c = standards::item_class(p, s.value, body); c && standards::rank(*c) > worst)
        worst = standards::rank(*c), worst_item = p;
    }
    if (worst > 0) {
      auto& cls = st.classes[site];
      cls[t] = worst;
      int best = 99;
      core::Instant best_t = 0;
      for (auto it = cls.lower_bound(t - core::Instant(r.class_window_hours) * H); it != cls.end() && it->first < t; ++it)
        if (it->second < best) best = it->second, best_t = it->first;
      if (best != 99 && worst - best >= r.class_drop) {
        auto name = [](int k) { return std::string(standards::class_name(static_cast<standards::WaterClass>(k))); };
        f.fire(proto("water_anomaly", "class_drop", site, "", t, t, 2,
                     {{"rule", "class dropped by " + std::to_string(worst - best) + " within " +
                                   std::to_string(r.class_window_hours) + " h"},
                      {"class_before", name(best)}, {"before_at", iso(best_t)}, {"class_now", name(worst)},
                      {"item", worst_item}, {"value", num(row.at(worst_item).value)}, {"time", iso(t)}}));
      }
      while (!cls.empty() && cls.begin()->first < t - core::Instant(st.retention_hours) * H) cls.erase(cls.begin());
    }
    for (const auto& [p, s] : row) {
      if (!s.ok()) continue;
      double mn = 0, mx = 0;
      int n = 0;
      for (auto it = std::make_reverse_iterator(ss.hours.find(t)); it != ss.hours.rend() && n < r.item_window; ++it) {
        auto x = it->second.find(p);
        if (x == it->second.end() || !x->second.ok()) continue;
        if (n == 0) mn = mx = x->second.value;
        mn = std::min(mn, x->second.value), mx = std::max(mx, x->second.value);
        ++n;
      }
      if (n < r.item_min_points || !(mx > mn)) continue;
      const double w = mx - mn;
      if (s.value > mx + r.item_k * w || s.value < mn - r.item_k * w)
        f.fire(proto("water_anomaly", "item_jump", site, p, t, t, 1,
                     {{"rule", "outside the recent range widened by " + fmt(r.item_k) + " x its width"},
                      {"value", num(s.value)}, {"recent_min", num(mn)}, {"recent_max", num(mx)}, {"points", n},
                      {"time", iso(t)}}));
    }
  }

  void dropout(const std::string& site, const SiteInfo& info, core::Instant t, SiteState& ss) {
    if (info.site->stopped && core::beijing_date(t) >= *info.site->stopped) return;
    const auto& row = ss.hours.at(t);
    nlohmann::json missing = nlohmann::json::array();
    for (const auto& item : r.dropout_items) {
      if (auto it = row.find(item); it != row.end() && it->second.ok()) continue;
      for (const auto& other : st.air_sites) {
        if (other == site) continue;
        auto os = st.sites.find(other);
        if (os == st.sites.end()) continue;
        auto orow = os->second.hours.find(t);
        if (orow == os->second.hours.end()) continue;
        if (auto it = orow->second.find(item); it != orow->second.end() && it->second.ok()) {
          missing.push_back(item);
          break;
        }
      }
    }
    auto& d = st.dropped[site];
    d[t] = !missing.empty();
    while (!d.empty() && d.begin()->first < t - core::Instant(st.retention_hours) * H) d.erase(d.begin());
    if (missing.empty()) {
      for (Alarm* a : f.active_of("air_dropout", site, "", "dropout", t))
        f.close(*a, "recovered: counted in the city mean again from " + iso(t));
      return;
    }
    core::Instant a = t;
    for (auto it = d.find(a - H); it != d.end() && it->second; it = d.find(a - H)) a -= H;
    const int hours = int((t - a) / H) + 1;
    if (hours < r.dropout_hours) return;
    f.fire(proto("air_dropout", "dropout", site, "", a, t, 1,
                 {{"rule", "sends, but no valid value for " + std::to_string(r.dropout_hours) +
                               " h or more of items other stations report: out of the city mean"},
                  {"items", missing}, {"hours", hours}}));
  }
};

}  // namespace

std::vector<AlarmChange> AlarmEngine::observe(std::span<const store::Observation> batch, core::Instant now) {
  std::vector<AlarmChange> out;
  Firing f{*st_, city_, now, out};
  Eval ev{*st_, rules_, f};
  // Group by time so rules see the data in time order, whatever order the batch came in.
  std::map<core::Instant, std::vector<const store::Observation*>> by_time;
  for (const auto& o : batch) {
    if (!st_->info.count(o.site)) continue;
    by_time[o.time].push_back(&o);
  }
  for (auto& [t, obs] : by_time) {
    std::set<std::string> touched;
    for (const auto* o : obs) {
      SiteState& ss = st_->sites[o->site];
      if (o->source_kind == "hj212") ss.last_received = std::max(ss.last_received, o->received_at);
      if (o->interval == store::Interval::hour) {
        ss.hours[t][o->parameter] = {o->value, o->flag};
        ss.latest_hour = std::max(ss.latest_hour, t);
        touched.insert(o->site);
      }
    }
    for (const auto* o : obs) {
      const SiteInfo& info = st_->info.at(o->site);
      if (info.offline) ev.offline(*o, st_->sites[o->site]);
      if (info.quality) ev.quality(*o, info);
    }
    for (const auto& site : touched) {
      const SiteInfo& info = st_->info.at(site);
      SiteState& ss = st_->sites[site];
      const auto& row = ss.hours.at(t);
      if (info.outlet) {
        if (rules_.exceedance) ev.exceedance(site, *info.outlet, t, row);
        if (rules_.load) ev.loads(site, *info.outlet, t, row, true);
      }
      if (info.water && rules_.water_anomaly) ev.water(site, info, t, ss);
      if (info.air && rules_.air_dropout) ev.dropout(site, info, t, ss);
    }
  }
  // Forget what no rule looks at any more.
  for (auto& [site, ss] : st_->sites) {
    if (ss.hours.empty()) continue;
    const core::Instant keep = ss.latest_hour - core::Instant(st_->retention_hours) * H;
    while (!ss.hours.empty() && ss.hours.begin()->first < keep) ss.hours.erase(ss.hours.begin());
  }
  for (auto& [k, m] : st_->judged)
    while (m.size() > std::size_t(st_->retention_hours)) m.erase(m.begin());
  return out;
}

void AlarmEngine::prime_loads(std::span<const store::Observation> batch) {
  std::vector<AlarmChange> none;
  Firing f{*st_, city_, 0, none};
  Eval ev{*st_, rules_, f};
  std::map<std::pair<std::string, core::Instant>, std::unordered_map<std::string, Sample>> rows;
  for (const auto& o : batch) {
    if (o.interval != store::Interval::hour) continue;
    auto it = st_->info.find(o.site);
    if (it == st_->info.end() || !it->second.outlet) continue;
    rows[{o.site, o.time}][o.parameter] = {o.value, o.flag};
  }
  for (const auto& [key, row] : rows) ev.loads(key.first, *st_->info.at(key.first).outlet, key.second, row, false);
}

std::vector<AlarmChange> AlarmEngine::tick(core::Instant now) {
  std::vector<AlarmChange> out;
  Firing f{*st_, city_, now, out};
  for (auto& [site, ss] : st_->sites) {
    if (ss.last_received == kNever || ss.covered_until == kNever) continue;
    const auto& info = st_->info.at(site);
    if (!info.offline) continue;
    const core::Instant silent = now - ss.last_received;
    if (silent < core::Instant(rules_.offline_minutes) * 60) continue;
    if (!f.active_of("offline", site, "", "no_data").empty()) continue;
    f.fire(proto("offline", "no_data", site, "", ss.covered_until, ss.covered_until, 2,
                 {{"rule", "no frame for " + std::to_string(rules_.offline_minutes) + " min or more"},
                  {"last_frame_received", iso(ss.last_received)}, {"silent_minutes", silent / 60},
                  {"data_until", iso(ss.covered_until)}}));
  }
  return out;
}

AlarmChange AlarmEngine::acknowledge(const std::string& id, const std::string& who, core::Instant now) {
  auto it = st_->by_id.find(id);
  if (it == st_->by_id.end()) throw core::Error("alarm " + id, "no such alarm");
  Alarm& a = it->second;
  if (a.state != "open") throw core::Error("alarm " + id, "only an open alarm can be acknowledged (it is " + a.state + ")");
  a.state = "acknowledged";
  a.updated_at = now;
  a.updated_by = who;
  return {a, "acknowledged"};
}

AlarmChange AlarmEngine::close(const std::string& id, const std::string& reason, const std::string& who, core::Instant now) {
  auto it = st_->by_id.find(id);
  if (it == st_->by_id.end()) throw core::Error("alarm " + id, "no such alarm");
  if (core::trim(reason).empty()) throw core::Error("alarm " + id, "closing needs a reason (not blank)");
  Alarm& a = it->second;
  if (a.state == "closed") throw core::Error("alarm " + id, "already closed");
  std::vector<AlarmChange> out;
  Firing f{*st_, city_, now, out};
  f.close(a, reason);
  a.updated_by = who;
  out.back().alarm.updated_by = who;
  return out.back();
}

AlarmChange AlarmEngine::link_task(const std::string& id, const std::string& task, const std::string& who, core::Instant now) {
  auto it = st_->by_id.find(id);
  if (it == st_->by_id.end()) throw core::Error("alarm " + id, "no such alarm");
  Alarm& a = it->second;
  if (!a.task.empty()) throw core::Error("alarm " + id, "already has task " + a.task);
  a.task = task;
  a.updated_at = now;
  a.updated_by = who;
  return {a, "linked"};
}

const Alarm* AlarmEngine::find(const std::string& id) const {
  auto it = st_->by_id.find(id);
  return it == st_->by_id.end() ? nullptr : &it->second;
}

std::vector<Alarm> AlarmEngine::alarms() const {
  std::vector<Alarm> out;
  out.reserve(st_->by_id.size());
  for (const auto& [id, a] : st_->by_id) out.push_back(a);
  std::sort(out.begin(), out.end(), [](const Alarm& a, const Alarm& b) { return std::tie(a.first, a.id) < std::tie(b.first, b.id); });
  return out;
}

}  // namespace skyriver::alert
