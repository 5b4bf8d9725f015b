// Features: the model's inputs for one (site, issue hour, horizon, pollutant), read from a
// Panel, plus the anchor (offset) the trees correct.
//
// The issue index t is the panel hour of the latest value labelled at or before the issue
// time; the target is hour t + h. Contract (what makes a backtest honest):
// - Without future weather (Weather::none) a row reads only panel hours <= t, of every variable.
// - With future weather (Weather::future) it also reads the weather variables (temp, pres,
//   dewp, rain, wd, wspm) at hours t+1 .. t+h, never a pollutant after t. In a backtest those
//   hours hold the observed weather (a perfect weather forecast); in operation the imported
//   weather forecast.
// The climatology is an input fitted beforehand (only on training hours in a backtest).
//
// FeatureBuilder is not thread-safe (select_site() fills per-site running sums); use one per
// thread over a shared Panel.
#pragma once

#include "forecast/climatology.h"
#include "forecast/panel.h"

#include <string>
#include <vector>

namespace skyriver::forecast {

enum class Weather { none, future };
std::string_view to_string(Weather w);

class FeatureBuilder {
 public:
  // `clim` must outlive the builder; sites of the panel unknown to `clim` use its last resort.
  FeatureBuilder(const Panel& panel, const Climatology& clim, Weather weather);

  // The feature names, in row order (the same for every pollutant and horizon).
  static std::vector<std::string> names(Weather weather);
  int cols() const { return cols_; }

  void select_site(int site);  // REQUIRES: before row(); O(panel hours)
  // Writes cols() features of (selected site, issue index t, horizon h, pollutant var) to out.
  void row(int t, int h, int var, float* out) const;

  // The selected site's latest value of `var` in hours (t - within, t]; NaN when none.
  float latest(int t, int var, int within = 6) const;
  float clim_at(int k, int var) const;  // climatology of the selected site at panel hour k
  // The site's recent level against its climatology: sum of the values of `var` in the `days`
  // days up to t over the sum of the climatology at the same (valid) hours; NaN when fewer than
  // a quarter of the hours hold a value. REQUIRES: var is a pollutant.
  float level_ratio(int t, int var, int days = 30) const;

 private:
  struct Out;
  FeatureBuilder(const Panel& panel, const Climatology& clim, Weather weather, int);  // no cols_
  static std::vector<std::string> record(Weather weather);
  void fill(int t, int h, int var, Out& out) const;
  double window_clim(int t, int var) const;  // mean climatology of hours t-23..t
  struct Sums {
    std::vector<double> sum;
    std::vector<int> n;
  };
  double mean(const Sums& s, int a, int b) const;  // inclusive, clipped to the panel; NaN if none
  double mean_var(int var, int a, int b) const;

  const Panel& panel_;
  const Climatology& clim_;
  Weather weather_;
  int cols_ = 0;
  int site_ = -1, clim_site_ = -1;
  // Per selected site: running sums of each variable and of the derived wind components and
  // relative humidity; per group and pollutant: the city mean series and its running sums.
  std::vector<Sums> sums_;             // kVarCount + 3 (u, v, rh)
  std::vector<float> u_, v_, rh_;
  std::vector<Sums> clim_sums_;  // per pollutant: running sums of the climatology where the value exists
  std::vector<std::vector<float>> city_;  // [group * kPollutantCount + var][hour]
  std::vector<Sums> city_sums_;
  std::vector<int> clim_index_;          // panel site -> climatology site (-1 unknown)
  std::vector<Climatology::When> when_;  // per panel hour (converted once, not per site)
};

}  // namespace skyriver::forecast
