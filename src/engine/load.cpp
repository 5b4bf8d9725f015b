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
  std::vector<std::string> parameters;
  for (const auto& p : city.parameters.all()) parameters.push_back(p.code);
  e.set_city(std::move(sites), std::move(areas), std::move(parameters));
  if (!city.source_priority.empty()) e.set_source_rule({city.source_priority});
  if (city.min_site_share) e.set_area_rule({*city.min_site_share});
}

std::vector<Update> updates_of(std::span<const store::Observation> obs) {
  std::vector<Update> out;
  for (const auto& o : obs)
    if (o.interval == store::Interval::hour) out.push_back({o.site, o.parameter, o.time, o.value, o.flag, o.source_kind});
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
  // Every source's value goes in: the engine's SourceRule picks the one an hour shows.
  s.scan(q, [&](const store::Observation& o) {
    batch.push_back({o.site, o.parameter, o.time, o.value, o.flag, o.source_kind});
    if (batch.size() == batch.capacity()) {
      e.put(batch, false);
      batch.clear();
    }
  });
  e.put(batch, false);
  r.values = e.value_count();
  for (const auto& m : s.marks(q)) {
    apply_mark(e, m);
    ++r.marks;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::size_t refresh(Engine& e, store::Store& s, core::Instant received_from) {
  store::Query q;
  q.interval = store::Interval::hour;
  q.received_from = received_from;
  std::size_t changed = 0;
  std::vector<Update> batch;
  auto flush = [&] {
    const auto r = e.put(batch, true);
    changed += r.added + r.replaced;
    batch.clear();
  };
  // No engine lock is held while the store is read: readers and writers go on meanwhile.
  s.scan(q, [&](const store::Observation& o) {
    batch.push_back({o.site, o.parameter, o.time, o.value, o.flag, o.source_kind});
    if (batch.size() >= 1 << 14) flush();
  });
  flush();
  return changed;
}

}  // namespace skyriver::engine
