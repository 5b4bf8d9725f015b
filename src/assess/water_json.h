// JSON form of a section evaluation (nlohmann-json), shared by `skyriver water` and the HTTP API:
// {"class":"IV","status":"轻度污染","colour":"yellow","body":"river","items":{"nh3n":"IV",...},
//  "values":{...},"exceed_iii":{...},"exceed_target":{...},"main_pollutants":[...],
//  "evaluated":[...],"not_measured":[...],"target":"III","meets_target":false,"tn_class":..,
//  "fcoli_class":..}. Classes are written I II III IV V 劣V; multiples rounded to 2 decimals.
#pragma once

#include "standards/water_eval.h"

#include <nlohmann/json.hpp>

namespace skyriver::assess {

nlohmann::json to_json(const standards::SectionEval& e, standards::WaterBody body);

}  // namespace skyriver::assess
