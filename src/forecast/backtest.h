// Backtest: the honest test of the model on a panel of history — train on the hours before a
// cut-off, then forecast every issue hour of a later test period for the chosen horizons, next
// to the two baselines every forecast must beat:
//   persistence  the value at the issue hour (undefined where that value is missing);
//   climatology  the site's month x hour-of-day mean of the training hours.
// A test prediction reads only what FeatureBuilder allows (nothing after its issue hour except,
// with Weather::future, the weather of the hours up to its target).
#pragma once

#include "forecast/daily_score.h"
#include "forecast/horizon_model.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace skyriver::forecast {

struct BacktestSpec {
  int var = kPm25;
  Weather weather = Weather::none;
  std::vector<int> horizons{1, 24, 48, 72};
  int train_end = 0;                 // training targets at panel hours < train_end
  int issue_from = 0, issue_to = 0;  // test issue hours [issue_from, issue_to)
  int valid_hours = 365 * 24;        // held out at the end of training (tuning, intervals)
  int issue_step = 1;                // training issue hours: every n-th
  int max_rounds = 0;                // cap on boosting rounds (0 = params_for's; quick test runs)
  BoosterParams params;               // only .threads is read: the rest is params_for(weather, h)
  std::function<void(const std::string&)> log;  // progress lines (may be empty)
};

struct BacktestResult {
  int var = kPm25;
  std::vector<int> horizons;
  int sites = 0, issues = 0;  // issue i is panel hour issue_from + i
  int issue_from = 0;
  // Indexed [(horizon_index * sites + site) * issues + issue]; NaN = none.
  std::vector<float> predicted, actual, persistence, climatology, low, high;  // low/high: 10-90 %
  std::vector<nlohmann::json> models;  // model cards (held-out scores) per horizon
  std::size_t at(int hi, int site, int issue) const {
    return (std::size_t(hi) * sites + site) * std::size_t(issues) + issue;
  }
};

BacktestResult run_backtest(const Panel& panel, const BacktestSpec& spec);

// RMSE and MAE of the model and RMSE of both baselines, per horizon and per site.
// "all": rows with an observed target; "common": rows where the observed target and BOTH
// baselines exist (the rows on which the three are compared).
struct Score {
  std::size_t n = 0;
  double rmse = NAN, mae = NAN, rmse_persistence = NAN, rmse_climatology = NAN;
  std::size_t n_persistence = 0, n_climatology = 0;
  double coverage = NAN;  // share of observed targets inside [low, high]
};
struct BacktestScores {
  std::vector<Score> by_horizon;                    // [horizon index], common rows
  std::vector<Score> by_horizon_all;                // [horizon index], all rows
  std::vector<std::vector<Score>> by_site;          // [horizon index][site], common rows
};
BacktestScores score_backtest(const BacktestResult& r);

// Next-day daily AQI of the backtest's pollutant alone (its IAQI on the 24-h scale; PM2.5 and
// PM10 only: the other pollutants' daily AQI needs more than one series): for each site and
// day D as the files label it, the mean of D's hourly predictions made 24 h ahead (so every
// hour of D was forecast during D-1) against the mean of the observed hours, both needing 20
// hours (GB 3095 daily validity). `label_offset` maps a panel hour to its file label. Empty
// when the backtest has no 24-h horizon or the pollutant is not PM. `forecast` is r.predicted or
// a baseline of the same shape (r.persistence: the previous day; r.climatology).
std::vector<DayPair> next_day_pairs(const Panel& panel, const BacktestResult& r, const std::vector<float>& forecast,
                                    core::Instant label_offset);

}  // namespace skyriver::forecast
