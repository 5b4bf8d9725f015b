// A period's surface-water picture for a set of sections: each section's period means (half the
// detection limit below it), class, status and CWQI; each river's (or lake group's) evaluation
// and CWQI; the city's CWQI and the two plan indicators (share of sections at class III or
// better, share of 劣V). Composes water_eval and cwqi; pure.
//
// Contract: a section with fewer than `min_samples` samples of every class item is listed with
// the reason and left out of rivers and the city figures (never silently). Rivers group sections
// by `river` (lakes/reservoirs by `river` too, evaluated with lake limits).
#pragma once

#include "standards/cwqi.h"
#include "standards/water_eval.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace skyriver::standards {

struct SectionInput {
  std::string id, name, river;
  WaterBody body = WaterBody::River;
  std::optional<WaterClass> target;
  std::map<std::string, std::vector<Measurement>> samples;  // code -> the period's measurements
};

struct SectionPeriod {
  std::string id, name, river;
  WaterBody body = WaterBody::River;
  Concentrations means;             // items with >= min_samples samples
  std::map<std::string, int> counts;  // samples per item
  std::optional<SectionEval> eval;  // nullopt when excluded
  std::optional<Cwqi> cwqi;
  std::string excluded;             // the reason, when excluded
};

struct RiverPeriod {
  std::string river;
  WaterBody body = WaterBody::River;
  RiverEval eval;
  Cwqi cwqi;  // of the item means across the river's sections
};

struct CityWater {
  std::vector<SectionPeriod> sections;
  std::vector<RiverPeriod> rivers;
  int evaluated = 0, n_river = 0, n_lake = 0;
  double share_i_iii = 0, share_worse_v = 0;  // over evaluated sections
  std::optional<double> cwqi_river, cwqi_lake, cwqi_city;
};

CityWater evaluate_period(std::span<const SectionInput> sections, int min_samples = 1,
                          const EvaluationRules& rules = default_rules());

}  // namespace skyriver::standards
