// Scoring stored forecasts (`skyriver forecast score --from --to`): the issues kept in the
// records journal (kind "forecast", issued in [from, to)) against what the engine holds:
//   - per pollutant and horizon 1..72, RMSE and MAE of the sites' hourly forecasts against the
//     usable observed values (hours without one do not count);
//   - the areas' day 1 (next-day) daily AQI against the observed daily AQI (engine::air): CNEMC-
//     style level accuracy, primary-pollutant accuracy, hits / misses / false alarms > 150 / 200
//     / 300 (daily_score.h); days 2 and 3 separately.
// REQUIRES: the engine is loaded from the same store; not called inside Engine::read().
#pragma once

#include "engine/engine.h"
#include "forecast/daily_score.h"
#include "forecast/panel.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cmath>
#include <vector>

namespace skyriver::store {
class Store;
}

namespace skyriver::forecast {

struct ErrorSum {
  std::size_t n = 0;
  double se = 0, ae = 0;
  void add(double e) { ++n, se += e * e, ae += std::abs(e); }
  double rmse() const { return n ? std::sqrt(se / double(n)) : NAN; }
  double mae() const { return n ? ae / double(n) : NAN; }
};

struct StoredScores {
  std::size_t issues = 0, site_forecasts = 0, area_forecasts = 0, unreadable = 0;
  std::array<std::vector<ErrorSum>, kPollutantCount> by_horizon;  // [pollutant][h - 1], h = 1..72
  std::array<DailyScores, 3> daily;                                // lead day 1..3 (areas)
};

StoredScores score_stored(store::Store& s, const engine::Engine& e, core::Instant from, core::Instant to);
nlohmann::json to_json(const StoredScores& s);

}  // namespace skyriver::forecast
