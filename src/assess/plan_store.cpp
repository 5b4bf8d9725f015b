#include "assess/plan_store.h"

#include "assess/water_period_store.h"
#include "engine/air.h"

#include <algorithm>
#include <map>
#include <memory>

namespace skyriver::assess {

std::vector<PlanEntry> plan_entries(store::Store& db) {
  store::RecordQuery q;
  q.kind = kPlanEntryKind;
  std::vector<PlanEntry> out;
  for (const auto& r : db.records(q))
    if (auto e = decode_plan_entry(r.id, r.key, r.body, r.who, r.at)) out.push_back(std::move(*e));
  return out;
}

PlanEntry add_plan_entry(store::Store& db, PlanEntry e) {
  store::Record r;
  r.kind = kPlanEntryKind;
  r.key = plan_entry_key(e.indicator, e.year);
  r.who = e.who.empty() ? "api" : e.who;
  r.body = plan_entry_body(e).dump();
  e.id = db.append(r);
  // The journal set the time: read the record back for it.
  store::RecordQuery q;
  q.kind = kPlanEntryKind;
  q.key = r.key;
  q.after_id = e.id - 1;
  q.limit = 1;
  for (const auto& back : db.records(q))
    if (back.id == e.id) e.at = back.at, e.who = back.who;
  return e;
}

ComputeFn platform_values(const engine::Engine& e, const model::CityConfig& city, store::Store* db,
                          const standards::EvaluationRules& rules) {
  auto air = std::make_shared<std::map<int, standards::PeriodSummary>>();
  auto water = std::make_shared<std::map<int, WaterFigures>>();
  return [&e, &city, db, rules, air, water](const std::string& kind, int year) -> std::optional<double> {
    if (kind.rfind("air.", 0) == 0) {
      auto it = air->find(year);
      if (it == air->end()) {
        // The year so far while it runs: up to the data's latest day.
        core::Date end{year + 1, 1, 1};
        if (auto h = e.latest_hour("air"); h && core::beijing_date(*h) < end) end = std::max(core::add_days(core::beijing_date(*h), 1), core::Date{year, 1, 2});
        it = air->emplace(year, engine::summary(engine::air_target(e, city.city.id), {year, 1, 1}, end)).first;
      }
      const auto& s = it->second;
      const unsigned pm25 = unsigned(standards::Pollutant::pm25);
      if (kind == "air.good_ratio" && s.days_complete) return 100.0 * s.good_days / s.valid_days;  // unrounded
      if (kind == "air.pm25" && s.conc_complete[pm25]) return s.conc[pm25];
      return std::nullopt;
    }
    if (!db) return std::nullopt;
    auto it = water->find(year);
    if (it == water->end()) {
      const auto w = water_period(*db, city, core::beijing_midnight({year, 1, 1}), core::beijing_midnight({year + 1, 1, 1}), rules);
      it = water->emplace(year, w.by_area.count(city.city.id) ? w.by_area.at(city.city.id) : WaterFigures{}).first;
    }
    if (it->second.sections == 0) return std::nullopt;
    return kind == "water.good_share" ? it->second.good_share : it->second.worse_v_share;
  };
}

}  // namespace skyriver::assess
