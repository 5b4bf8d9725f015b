// The observed daily AQI of an area or site as a warning replay and a proposal read it: the
// HJ 633 daily AQI of the area's hourly means (engine/air.h, the area rules of src/standards),
// one DayAqi per calendar day, with the day's kind ('o' when O3 is the only primary pollutant,
// 'd' when the day holds dust-marked hours, else 'p'). NaN when the day has no published AQI.
// REQUIRES: called outside Engine::read() (it takes the read lock itself). Throws
// core::Error("--area", why) when `target` is neither a site nor an area of the engine.
#pragma once

#include "alert/warning_replay.h"
#include "engine/engine.h"

#include <string>
#include <vector>

namespace skyriver::alert {

// Days [from, to).
std::vector<DayAqi> observed_days(const engine::Engine& e, const std::string& target, core::Date from,
                                  core::Date to);

// Days that cross midnight: for every hour of [from, to), the daily AQI (HJ 633 daily indicators
// by the HJ 663 rules, edition by date) of the 24 hours ending with that hour, from the area's
// hourly means; kind 'o' when O3 is the only primary pollutant. NaN where not valid.
Trace observed_rolling(const engine::Engine& e, const std::string& target, core::Date from, core::Date to);

}  // namespace skyriver::alert
