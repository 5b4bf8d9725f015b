// Period summary of a site or an area (REFERENCE.md section 4): the composite index (综合指数),
// single indices and the period's primary pollutant, good days and the good-day ratio, days per
// level, heavy-pollution days (AQI > 200), the change against the same period last year, and the
// sand-and-dust rule (环办监测〔2016〕120号 as CNEMC reports apply it).
//
// Statistics C_i: SO2, NO2, PM10, PM2.5 period mean of daily means; CO 95th percentile of daily
// means; O3 90th percentile of daily max 8-h (HJ 663 Appendix A), each rounded to reporting
// precision (GB/T 8170). I_i = C_i / S_i, composite = sum of the unrounded I_i, shown with 2
// decimals (the published example 21/35+39/70+9/60+15/40+192/160+0.7/4 = 3.06 only comes out
// when the I_i are summed before rounding). S_i is configuration (CompositeConfig), defaulting to
// the GB 3095-2012 class-2 values for every edition until the ranking rules change.
// Dust days: their PM10/PM2.5 daily values are left out of C_i and the composite index, but
// the day still counts in the good-day ratio, the level counts and heavy-pollution days.
// Valid and good days follow day_status.h (all six items valid, or an IAQI > 100 already).
// Data minimum (data_minimum.h): every C_i, the composite index and the valid-day count say
// whether the period reaches its minimum (a dust day counts as measured). A figure below it is
// still given, marked incomplete; rankings leave it unranked.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "standards/aqi.h"

namespace skyriver::standards {

struct CompositeConfig {
  // S_i by Pollutant (o3 = unused 1-h slot). Default: GB 3095-2012 class 2 annual limits for
  // SO2 60, NO2 40, PM10 70, PM2.5 35; CO 24-h 4 mg/m3; O3 daily max 8-h 160.
  std::array<double, kPollutantCount> denominators{35, 70, 60, 40, 4, kMissing, 160};
};

struct CompositeIndex {
  std::array<double, kPollutantCount> single{};  // I_i (unrounded; o3 slot NaN)
  double total = kMissing;                       // sum of I_i rounded to 2 decimals (NaN if any C_i missing)
  std::uint8_t primary = 0;                      // pollutant(s) with the largest I_i
};
// c = the period statistics C_i by Pollutant (o3 slot ignored).
CompositeIndex composite_index(const std::array<double, kPollutantCount>& c,
                               const CompositeConfig& cfg = {});

struct DailyRecord {
  core::Date date;
  DailyInput values;  // the day's statistics (NaN = invalid)
  AqiResult aqi;      // daily AQI of those values
  bool dust = false;  // day marked as affected by a sand/dust process
};

struct PeriodSummary {
  int days = 0;                 // records given
  int valid_days = 0;           // days that can be judged (day_status): the good-day denominator
  int good_days = 0;            // AQI <= 100
  double good_ratio = kMissing; // percent, 2 decimals
  std::array<int, 7> days_per_level{};  // [1..6]
  int heavy_days = 0;           // AQI > 200 (重度及以上)
  int dust_days = 0;
  std::array<double, kPollutantCount> conc{};  // C_i, dust days removed for PM; o3 slot NaN
  std::array<int, kPollutantCount> conc_days{};  // daily values behind each C_i
  std::array<bool, kPollutantCount> conc_complete{};  // C_i reaches the data minimum
  std::array<unsigned, kPollutantCount> conc_short_months{};  // Coverage::short_months of each C_i
  int required_days = 0;        // the period's data minimum in days (data_minimum.h)
  bool days_complete = false;   // valid_days reaches it (the good-day ratio is complete)
  unsigned days_short_months = 0;  // Coverage::short_months of the valid days
  CompositeIndex composite;
  bool complete = false;        // all six C_i complete: the composite index may be ranked
};
// `days`: one record per calendar day of the period, in date order (gaps count as missing days).
PeriodSummary summarize_period(std::span<const DailyRecord> days, const CompositeConfig& cfg = {});

// Ranks of `keys` (smaller = better; negate a larger-is-better key first): 1 = best, equal keys
// share a rank (the next rank skips: 1, 1, 3), NaN keys get 0 (not ranked). REFERENCE 4.1.
std::vector<int> rank_ascending(std::span<const double> keys);

// Good-day ratio in percent, 2 decimals (GB/T 8170); NaN when valid_days == 0.
double good_day_ratio(int good_days, int valid_days);

struct PeriodChange {
  double composite_pct = kMissing;  // (I - I_last) / I_last * 100
  double good_ratio_points = kMissing;  // percentage points
  std::array<double, kPollutantCount> conc_pct{};  // (C - C_last) / C_last * 100
};
PeriodChange compare_periods(const PeriodSummary& now, const PeriodSummary& last_year);

}  // namespace skyriver::standards
