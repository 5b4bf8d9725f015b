#include "engine/load.h"

#include <chrono>
#include <cmath>

namespace skyriver::engine {

void set_city(Engine& e, const model::CityConfig& city) {
  std::vector<Site> sites;
  for (const auto& s : city.sites) {
    Site out{s.id, s.name, s.kind, s.area, s.lon.value_or(0), s.lat.value_or(0), s.lon && s.lat};
    out.reference = s.reference;
    out.water_body = s.attribute("water_body");
    out.target_class = s.attribute("target_class");
    sites.push_back(std::move(out));
  }
  std::vector<Area> areas;
  for (const auto& a : city.areas) areas.push_back({a.id, a.name, a.level, a.parent});
  e.set_city(std::move(sites), std::move(areas));
}

std::vector<Update> updates_of(std::span<const store::Observation> obs) {
  std::vector<Update> out;
  for (const auto& o : obs)
    if (o.interval == store::Interval::hour) out.push_back({o.site, o.parameter, o.time, o.value, o.flag});
  return out;
}

void apply_mark(Engine& e, const store::AuditMark& m) {
  if (m.interval != store::Interval::hour) return;
  const core::Instant to = m.time + core::kHour;
  if (m.mark == "invalid") e.mark(m.site, m.parameter, m.time, to, kAuditInvalid, true);
  else if (m.mark == "dust") e.mark(m.site, m.parameter, m.time, to, kDust, true);
  else if (m.mark == "valid") {
    e.mark(m.site, m.parameter, m.time, to, kAuditInvalid, false);
    e.mark(m.site, m.parameter, m.time, to, kDust, false);
  }
}

LoadReport load(Engine& e, store::Store& s) {
  const auto start = std::chrono::steady_clock::now();
  LoadReport r;
  store::Query q;
  q.interval = store::Interval::hour;
  std::vector<Update> batch;
  batch.reserve(1 << 16);
  std::string last_site, last_param;
  core::Instant last_time = 0;
  s.scan(q, [&](const store::Observation& o) {
    // Scan order is site, parameter, time, interval, source_kind: keep the first source.
    if (o.time == last_time && o.site == last_site && o.parameter == last_param) return;
    last_site = o.site, last_param = o.parameter, last_time = o.time;
    batch.push_back({o.site, o.parameter, o.time, o.value, o.flag});
    if (batch.size() == batch.capacity()) {
      e.put(batch, false);
      r.values += batch.size();
      batch.clear();
    }
  });
  e.put(batch, false);
  r.values += batch.size();
  for (const auto& m : s.marks(q)) {
    apply_mark(e, m);
    ++r.marks;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::size_t refresh(Engine& e, store::Store& s) {
  store::Query q;
  q.interval = store::Interval::hour;
  std::vector<Update> fresh;
  // The shared lock is taken per value, not for the whole scan: writers (HJ 212) never wait
  // for a long scan of the store.
  s.scan(q, [&](const store::Observation& o) {
    const bool held = e.read([&](const Engine& eng) {
      const HourlySeries* series = eng.series(o.site, o.parameter);
      return series && (series->marks(o.time) & kPresent);
    });
    if (held) return;
    if (!fresh.empty() && fresh.back().site == o.site && fresh.back().parameter == o.parameter &&
        fresh.back().time == o.time)
      return;
    fresh.push_back({o.site, o.parameter, o.time, o.value, o.flag});
  });
  e.put(fresh, true);
  return fresh.size();
}

}  // namespace skyriver::engine
