// Issue: one forecast run — for every air site and every area, the six pollutants for each hour
// 1..72 after the issue (with a 10-90 % interval), the hourly AQI, level and primary pollutant,
// and the daily AQI forecasts of days 1..3 in the bureaus' form.
//
// Times: `latest` is the start of the latest data hour used (panel hour t); the issue time is its
// end (latest + 1 h, the hour label of CNEMC files). Horizon h is the hour starting at
// latest + h hours (its label: issued + h - 1 h ... issued + h). Day 1 is the Beijing day after
// the day of `latest`; day 3 may end after hour 72, which the daily forecast still covers (the
// models reach 96 h; hourly output stops at 72).
//
// Never throws for data reasons. A site/pollutant the model cannot serve gets the fallback —
// the climatology blended with the latest value, w(h) = exp(-h / 12 h) — with the reason:
//   "no model for <p> (too little history)", "no <p> value since <time> (gap at issue time)",
//   "site not in the model's training", "no model yet".
// Without a weather forecast for a site's target hours the model without weather is used and
// the place says so (weather = "none").
#pragma once

#include "forecast/daily.h"
#include "forecast/model_set.h"
#include "standards/area.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <string>
#include <vector>

namespace skyriver::forecast {

inline constexpr int kHourlyHorizons = 72;

struct PollutantForecast {
  std::vector<float> value, low, high;  // index h-1, h = 1..kMaxHorizon; NaN = none
  std::string basis;                    // "model" or "fallback: <reason>"
};

struct PlaceForecast {
  std::string kind;  // "site" | "area"
  std::string id, name;
  std::array<PollutantForecast, kPollutantCount> pollutants;
  std::string weather = "none";  // "forecast" when a weather forecast fed the model
  // Hourly AQI of the central values, h = 1..72 (0 = not computable), level 1..6 (0 = none),
  // primary pollutant codes ("" when AQI <= 50).
  std::vector<int> aqi;
  std::vector<int> level;
  std::vector<std::string> primary;
  std::vector<DailyAqi> daily;  // lead days 1..3 (the DailyAqi contract)
  std::vector<std::string> daily_levels_zh;  // e.g. "良至轻度污染", one per daily entry
  std::vector<std::string> notes;            // fallback reasons, one line each
};

struct Issue {
  core::Instant latest = 0;   // start of the latest data hour used
  core::Instant issued = 0;   // latest + 1 h
  std::string model_version;  // "" when no model: every value is a fallback
  core::Instant train_from = 0, train_to = 0;
  std::vector<PlaceForecast> sites, areas;
  double seconds = 0;
  const PlaceForecast* find(const std::string& kind, const std::string& id) const;
};

// An area and the air sites whose mean is its value (non-reference sites of the area and its
// sub-areas).
struct AreaMembers {
  std::string id, name;
  std::vector<std::string> sites;
};

struct IssueOptions {
  int t = 0;  // the panel hour of the latest data (the issue index)
  std::vector<std::string> site_names;  // by panel site (may be empty)
  std::vector<AreaMembers> areas;
  standards::AreaConfig area_rule;  // the engine's (city.toml [assessment] min_site_share)
  int threads = 2;
};

// Forecasts every panel site (hours t+1.. of the panel may hold forecast weather) and area.
// `models` may be null (no model yet): every value is then a fallback.
Issue issue_forecasts(const Panel& panel, const ModelSet* models, const IssueOptions& options);

// "良", "良至轻度污染" (the levels an AQI range spans, Chinese names of HJ 633 categories).
std::string levels_spanned_zh(int aqi_low, int aqi_high);

nlohmann::json to_json(const PlaceForecast& p, const Issue& issue, int hours = kHourlyHorizons);
nlohmann::json daily_json(const PlaceForecast& p, const Issue& issue);

}  // namespace skyriver::forecast
