// Daily scores: the CNEMC-style verification of daily AQI forecasts (预报评估) — for pairs of
// (forecast, observed) daily AQI of one place and day: the level accuracy (same HJ 633 level),
// the primary-pollutant accuracy, and hits / misses / false alarms of daily AQI above 150, 200
// and 300 (with the threat score TS = hits / (hits + misses + false alarms)).
//
// Used by `forecast score` (stored forecasts against the store's observed days) and by the
// backtest (next-day daily PM2.5 AQI). Pure functions.
#pragma once

#include "core/time.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace skyriver::forecast {

struct DayPair {
  std::string place;
  core::Date day;
  int forecast = 0, observed = 0;                 // daily AQI
  std::string forecast_primary, observed_primary;  // codes, comma-separated; "" = none or unknown
};

struct ThresholdScore {
  int above = 0;  // daily AQI > above
  std::size_t hits = 0, misses = 0, false_alarms = 0;
  double ts() const {
    const auto n = hits + misses + false_alarms;
    return n ? double(hits) / double(n) : NAN;
  }
};

struct DailyScores {
  std::size_t days = 0, level_right = 0;
  // Primary pollutant: days whose observed AQI > 50 (a primary exists) and whose forecast names
  // one; right when the two share a pollutant.
  std::size_t primary_days = 0, primary_right = 0;
  std::array<ThresholdScore, 3> thresholds{{{150}, {200}, {300}}};
  double level_accuracy() const { return days ? double(level_right) / double(days) : NAN; }
  double primary_accuracy() const { return primary_days ? double(primary_right) / double(primary_days) : NAN; }
};

DailyScores score_days(const std::vector<DayPair>& pairs);
nlohmann::json to_json(const DailyScores& s);

}  // namespace skyriver::forecast
