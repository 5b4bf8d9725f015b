// HorizonModel: the direct model of one pollutant for one horizon or block of horizons — boosted
// trees that correct an anchor, with the out-of-sample errors it made on held-out data (for
// intervals and the model card). The anchor is the latest value blended towards a base, the
// target hour's climatology scaled by the site's recent level (its last 30 days against their
// climatology, to a power alpha): at short horizons it is nearly the latest value, at long ones
// nearly the base.
//
// Fitting (fit_horizon_model): rows are (site, issue hour t, horizon h) with the target hour
// t + h inside the training span and its value present. The last `valid_hours` of the span are
// held out: the trees are grown on the earlier rows until the held-out RMSE stops improving,
// the held-out errors are kept, and then the model is refitted on the whole span with that
// number of rounds (scaled by the larger sample). Nothing after the span's end is read.
//
// Intervals (fit_intervals, the one place they are computed): quantiles of the held-out errors
// per horizon (or per short run of horizons when one horizon has too few errors; see
// kMinIntervalErrors) and, inside it, per bin of the predicted value. A block's errors grow with
// the horizon, so quantiles pooled over the block were too narrow at its far end.
#pragma once

#include "forecast/booster.h"
#include "forecast/features.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace skyriver::forecast {

// The interval levels kept from the held-out errors.
inline constexpr std::array<double, 5> kQuantileLevels{0.1, 0.25, 0.5, 0.75, 0.9};

// Fewest held-out errors an interval part is fitted on: up to 5 bins of the prediction of at
// least 200 errors each (a 10 % quantile of 200 errors is off by about 2 points of coverage).
// On the UCI backtest every horizon of a block has ~4,000, so parts are single horizons; a
// short history (the Datong sample) gets parts of a few consecutive horizons instead.
inline constexpr std::size_t kMinIntervalErrors = 1000;

// The error quantiles of the horizons up to h_last (from the previous part's h_last + 1, or
// the model's h_first): bin i holds predictions <= bin_edges[i] (the last bin everything
// above); error_quantiles[i][l] is the kQuantileLevels[l] quantile of observed - predicted.
struct IntervalPart {
  int h_last = 0;
  std::vector<float> bin_edges;
  std::vector<std::array<float, kQuantileLevels.size()>> error_quantiles;
};

// Interval parts of the horizons h_first..h_last from held-out rows (horizon[i], predicted[i],
// error[i] = observed - predicted): consecutive horizons are gathered until a part holds
// min_errors (a remainder short of it joins the last part). REQUIRES: equal sizes, horizons in
// [h_first, h_last]. Empty input gives no parts (quantile() then returns the prediction).
std::vector<IntervalPart> fit_intervals(int h_first, int h_last, std::span<const int> horizon,
                                        std::span<const float> predicted, std::span<const double> error,
                                        std::size_t min_errors = kMinIntervalErrors);

struct HeldOutScores {
  std::size_t rows = 0;
  double rmse = NAN, mae = NAN;
  double rmse_persistence = NAN, rmse_climatology = NAN;  // on the same rows where defined
};

struct TrainSpan {
  int first_issue = 0;     // earliest issue index
  int target_end = 0;      // targets at panel hours < target_end
  int valid_hours = 0;     // the last hours of the span held out (0 = none: no early stop)
  int issue_step = 1;      // use every n-th issue hour
};

struct HorizonModel {
  int var = kPm25;
  int h_first = 1, h_last = 1;  // the horizons the model answers
  Weather weather = Weather::none;
  // Per horizon of the block, fitted by least squares on the training rows:
  //   base = clim(target) * level_ratio30^alpha,  anchor = base + w * (latest - base),
  // alpha from a grid in [0, 1], w clipped to [0, 1].
  std::vector<float> anchor_weight, level_alpha;
  Booster booster;
  int rounds = 0;
  HeldOutScores held_out;
  // Quantiles of the held-out errors per part of the horizons, in bins of the predicted value
  // (errors grow with the horizon and the level); ascending h_last, the last one is h_last.
  std::vector<IntervalPart> interval;

  // NaN when the site has neither a recent value nor a climatology.
  float anchor(const FeatureBuilder& fb, int t, int h) const;
  float base(const FeatureBuilder& fb, int t, int h) const;
  // Predictions of rows already filled by fb.row() (with their anchors).
  std::vector<float> predict(const Matrix& rows) const;
  // The interval quantile `level_index` of kQuantileLevels around a central prediction at
  // horizon h.
  float quantile(float predicted, int h, std::size_t level_index) const;

  nlohmann::json card() const;  // what it is and how well it did (no trees)
};

HorizonModel fit_horizon_model(const Panel& panel, const Climatology& clim, Weather weather, int var,
                               int h_first, int h_last, const TrainSpan& span,
                               const BoosterParams& params);

}  // namespace skyriver::forecast
