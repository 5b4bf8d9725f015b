// Monthly figures of pollution sources (docs/sources.md): per outlet, enterprise and county —
// 联网率 (outlets online / configured), transmission rate (hours received / hours expected),
// validity rate (valid hours / hours received) and loads against the permit's caps.
//
// Definitions (where the issue and the standards are silent, the bureau's usual reading):
// - expected hours: every hour of the month up to `until` (exclusive; the data's "now" for the
//   current month);
// - an outlet is online in the month when at least one hourly value arrived from it;
// - a received hour has any hourly value of the outlet; a valid hour has a usable value (flag N,
//   not invalidated by an auditor) of every limited pollutant and of the flow;
// - loads (HJ 212-2017 App. D eq. 33; water eq. 8-10): the sum of hourly loads over the hours
//   with a usable concentration and flow; no substitution for missing hours (HJ 75 补遗 is a
//   manual step), so a load is a lower bound when hours are missing. Year to date: January 1 to
//   the end of the month, against the annual cap.
// Call inside Engine::read().
#pragma once

#include "engine/engine.h"
#include "model/sources.h"

#include <nlohmann/json.hpp>

namespace skyriver::assess {

struct PollutantLoad {
  std::string parameter;
  double month_t = 0, year_to_date_t = 0;
  std::optional<double> annual_cap_t;
  double max_day_kg = 0;                 // the month's largest daily load
  std::optional<double> daily_cap_kg;
  int exceed_hours = 0;                  // hours judged over the concentration limit (折算)
};

struct OutletMonth {
  std::string site, enterprise, county, medium;
  bool online = false;
  int expected_hours = 0, received_hours = 0, valid_hours = 0;
  std::vector<PollutantLoad> loads;
};

struct GroupMonth {  // an enterprise or a county
  std::string id, name;
  int outlets = 0, online = 0, expected_hours = 0, received_hours = 0, valid_hours = 0;
  std::vector<PollutantLoad> loads;  // summed per pollutant (caps summed where every outlet has one)
};

struct SourcesMonth {
  int year = 0, month = 0;
  core::Instant until = 0;
  std::vector<OutletMonth> outlets;
  std::vector<GroupMonth> enterprises, counties;
};

SourcesMonth source_month(const engine::Engine& e, const model::Sources& sources, int year, int month,
                          core::Instant until);

nlohmann::json to_json(const OutletMonth& o);
nlohmann::json to_json(const GroupMonth& g, const char* id_key);
nlohmann::json to_json(const SourcesMonth& m);

}  // namespace skyriver::assess
