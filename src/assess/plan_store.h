// The plan register's entered values in the store's records journal (kind "plan_entry", key
// "<indicator>/<year>", body {"indicator", "year", "value"?, "target"?, "note"?}; who and when
// are the record's), and the values the platform computes for the register's computed
// indicators.
//
// Contract: add_plan_entry() appends (one transaction) and never changes an earlier record: a
// correction is a new record of the same key. plan_entries() returns every entry in journal
// order (records that do not decode are skipped). platform_values(): REQUIRES the engine's read
// lock for as long as the returned function is used; `db` may be null (no water figures).
#pragma once

#include "assess/plan.h"
#include "engine/engine.h"
#include "model/city.h"
#include "standards/water_rules.h"
#include "store/store.h"

#include <vector>

namespace skyriver::assess {

std::vector<PlanEntry> plan_entries(store::Store& db);
// Stores `e` (indicator, year, value/target, note) by `e.who`; returns it with its id and time.
PlanEntry add_plan_entry(store::Store& db, PlanEntry e);

// The city's computed indicators of a calendar year (the year so far while it runs): air.good_ratio
// and air.pm25 only when the figure reaches its data minimum; water shares over the sections
// evaluated that year.
ComputeFn platform_values(const engine::Engine& e, const model::CityConfig& city, store::Store* db,
                          const standards::EvaluationRules& rules = standards::default_rules());

}  // namespace skyriver::assess
