// The surface-water picture of a period from the store: every configured water section's
// samples in [from, to) (any interval; flag N only; an auditor's latest "invalid" mark drops a
// sample), evaluated with standards::evaluate_period (period means, GB 3838 class, status),
// and the two plan indicators (share at class III or better, share 劣V) for the city and for each
// district/county that has sections of its own.
//
// Contract: reads the store only; throws core::Error from the store. A section without samples
// is listed as excluded by evaluate_period, never dropped.
#pragma once

#include "assess/target_progress.h"
#include "model/city.h"
#include "standards/water_period.h"
#include "store/store.h"

#include <map>
#include <string>

namespace skyriver::assess {

struct WaterPeriod {
  standards::CityWater city;                    // all sections
  std::map<std::string, WaterFigures> by_area;  // area code -> shares (%); the city's code too
};

WaterPeriod water_period(store::Store& db, const model::CityConfig& city, core::Instant from, core::Instant to,
                         const standards::EvaluationRules& rules = standards::default_rules());

}  // namespace skyriver::assess
