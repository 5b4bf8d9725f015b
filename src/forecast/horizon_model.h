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
#pragma once

#include "forecast/booster.h"
#include "forecast/features.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace skyriver::forecast {

// The interval levels kept from the held-out errors.
inline constexpr std::array<double, 5> kQuantileLevels{0.1, 0.25, 0.5, 0.75, 0.9};

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
  // Quantiles of the held-out errors (observed - predicted) per level, in bins of the predicted
  // value (errors grow with the level): bin i holds predictions <= bin_edges[i] (the last bin
  // everything above).
  std::vector<float> bin_edges;
  std::vector<std::array<float, kQuantileLevels.size()>> error_quantiles;

  // NaN when the site has neither a recent value nor a climatology.
  float anchor(const FeatureBuilder& fb, int t, int h) const;
  float base(const FeatureBuilder& fb, int t, int h) const;
  // Predictions of rows already filled by fb.row() (with their anchors).
  std::vector<float> predict(const Matrix& rows) const;
  // The interval quantile `level_index` of kQuantileLevels around a central prediction.
  float quantile(float predicted, std::size_t level_index) const;

  nlohmann::json card() const;  // what it is and how well it did (no trees)
};

HorizonModel fit_horizon_model(const Panel& panel, const Climatology& clim, Weather weather, int var,
                               int h_first, int h_last, const TrainSpan& span,
                               const BoosterParams& params);

}  // namespace skyriver::forecast
