// Climatology: the mean of each site's variable by calendar month and hour of day (Beijing time
// of the hour's start), fitted on the hours before a cut-off. It is the climatology baseline
// of the backtest, a feature of the model and, blended with the latest value, the fallback
// forecast when the model cannot be used.
//
// A cell with fewer than `min_count` values falls back to the site's month mean, then to the
// group's (city's) month-hour mean, then to the site's overall mean; NaN only when the site has
// no value of that variable at all. Read-only after fit(): safe to share between threads.
#pragma once

#include "forecast/cancel.h"
#include "forecast/panel.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

namespace skyriver::forecast {

class Climatology {
 public:
  // Means over panel hours [0, end) (end is clamped to the panel). With `smooth`, each cell
  // also takes in its neighbours (triangular kernels over five months and three hours) and at_time() interpolates between the two nearest month centres: a steadier
  // seasonal curve where a few years make each cell noisy. The plain table (no smoothing) is the
  // month x hour climatology baseline.
  // `cancelled` is asked per site (cancel.h: throws TrainingCancelled).
  static constexpr int kMinCount = 5;
  static Climatology fit(const Panel& panel, int end, bool smooth = false, int min_count = kMinCount,
                         const Cancelled& cancelled = {});

  // Site index in the fitted table of a site id (nullopt = unknown site).
  std::optional<int> site_index(const std::string& id) const;
  // month 1..12, hour 0..23. `site` from site_index(); -1 = unknown site: group-free overall
  // mean of every site (the last resort).
  float at(int site, int var, int month, int hour) const;
  // Number of values the site's cell was fitted on (0 for an unknown site).
  int count(int site, int var, int month, int hour) const;
  // The mean at the hour starting at `t` (Beijing month and hour).
  float at_time(int site, int var, core::Instant t) const;
  // at_time() in two steps, for callers reading many sites or variables at the same hours: the
  // hour's Beijing month and hour and its weight between two month centres, computed once.
  struct When {
    int month = 1, other = 1, hour = 0;
    double w = 0;  // weight of `other` (smoothed tables)
  };
  When when(core::Instant t) const;
  float at(int site, int var, const When& w) const;

  nlohmann::json to_json() const;
  static Climatology from_json(const nlohmann::json& j);

 private:
  static std::size_t cell(int site, int var, int month, int hour) {
    return ((std::size_t(site) * kVarCount + var) * 12 + (month - 1)) * 24 + hour;
  }
  bool smooth_ = false;
  std::vector<std::string> sites_;
  std::map<std::string, int> index_;
  std::vector<float> mean_;      // resolved (fallbacks applied)
  std::vector<int> count_;       // values behind the site's own cell
  std::vector<float> overall_;   // var -> mean of all sites
};

// Days from the nearest Spring Festival (正月初一) to Beijing date `d`, signed (negative
// before it); nullopt outside the years the table covers (2000-2040).
std::optional<int> days_from_spring_festival(core::Date d);

}  // namespace skyriver::forecast
