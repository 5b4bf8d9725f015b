#include "forecast/panel_engine.h"

#include "engine/air.h"

#include <cmath>
#include <map>

namespace skyriver::forecast {

namespace {

// Dew point (°C) from temperature (°C) and relative humidity (%), inverse Magnus formula with the
// coefficients features.cpp uses for the other direction.
float dew_point(float t, float rh) {
  if (std::isnan(t) || std::isnan(rh) || rh <= 0) return NAN;
  const double g = std::log(std::min(100.f, rh) / 100.0) + 17.625 * t / (243.04 + t);
  return float(243.04 * g / (17.625 - g));
}

}  // namespace

EnginePanel panel_from_engine(const engine::Engine& e, core::Instant first, core::Instant latest, int future_hours) {
  EnginePanel out;
  first -= first % core::kHour;
  latest -= latest % core::kHour;
  const int hours = int((latest - first) / core::kHour) + 1 + future_hours;
  std::vector<std::string> ids;
  std::vector<int> group;
  std::map<std::string, int> group_ids;
  auto top_area = [&](std::string code) {
    for (int guard = 0; guard < 16; ++guard) {
      const engine::Area* a = e.area(code);
      if (!a || a->parent.empty()) break;
      code = a->parent;
    }
    return code;
  };
  for (const auto& s : e.sites()) {
    if (s.kind != "air") continue;
    ids.push_back(s.id);
    out.names.push_back(s.name);
    group.push_back(group_ids.emplace(top_area(s.area), int(group_ids.size())).first->second);
  }
  if (ids.empty()) {  // a panel needs a site; an empty city forecasts nothing
    out.panel = Panel(first, std::max(1, hours), {}, {});
    return out;
  }
  out.panel = Panel(first, hours, ids, group);
  out.latest = out.panel.index(latest);
  const int end = out.latest + 1;  // hours after `latest` are left for the weather forecast
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (int v = 0; v < kVarCount; ++v) {
      const engine::HourlySeries* s = e.series(ids[i], std::string(var_code(v)));
      if (!s || s->empty()) continue;
      float* x = out.panel.series(int(i), v);
      for (int k = std::max(0, out.panel.index(s->first())); k < end && out.panel.time(k) < s->end(); ++k)
        x[k] = float(s->usable(out.panel.time(k)));
    }
    // Dew point from humidity where the site reports no dew point.
    const engine::HourlySeries* rh = e.series(ids[i], "rh");
    if (rh && !rh->empty()) {
      float* td = out.panel.series(int(i), kDewp);
      const float* t = out.panel.series(int(i), kTemp);
      for (int k = 0; k < end; ++k)
        if (std::isnan(td[k])) td[k] = dew_point(t[k], float(rh->usable(out.panel.time(k))));
    }
  }
  // Areas (engine::air_target's rule), with the sites active in the last kSilentDays.
  auto active = [&](const std::string& id) {
    for (int v = 0; v < kPollutantCount; ++v) {
      const engine::HourlySeries* s = e.series(id, std::string(var_code(v)));
      if (s && !s->empty() && latest < s->end() + engine::kSilentDays * core::kDay) return true;
    }
    return false;
  };
  for (const auto& a : e.areas()) {
    AreaMembers m;
    m.id = a.code;
    m.name = a.name;
    const bool city = a.level == "city";
    for (const auto& s : e.sites())
      if (s.kind == "air" && !s.reference && (city || s.area == a.code) && active(s.id)) m.sites.push_back(s.id);
    if (!m.sites.empty()) out.areas.push_back(std::move(m));
  }
  return out;
}

}  // namespace skyriver::forecast
