// HJ 663 statistics of one site's (or area's) hourly series (REFERENCE.md section 3).
//
// Hour convention: a day is the 24 hourly values whose hours START at 00:00 .. 23:00 Beijing time
// (index h = the hour 'h:00-h+1:00', CNEMC label h+1). NaN = missing/invalid hour.
// Daily mean: >= 20 valid hours (GB 3095 Table 4). O3 8-h moving mean: >= 6 of 8 hours. O3 daily
// maximum 8-h mean: over the 17 windows ending at 08:00 .. 24:00 of the day (hour indexes 0-7 ..
// 16-23), valid with >= 14 valid windows, or with fewer when the maximum exceeds the O3 8-h limit
// (HJ 663 / HJ 663-2026 6.1.2). Daily max 1-h O3 (2012 daily AQI): >= 20 valid hours (our choice).
// Percentiles: HJ 663 Appendix A, k = 1 + (n-1)p, linear between order statistics.
// Functions return NaN for "not valid"; nothing allocates except where a std::vector is returned.
#pragma once

#include <array>
#include <span>

#include "standards/air_limits.h"
#include "standards/aqi.h"

namespace skyriver::standards {

double daily_mean(std::span<const double, 24> hours);  // NaN unless >= 20 valid hours
double daily_max_1h(std::span<const double, 24> hours); // NaN unless >= 20 valid hours
// Mean of 8 consecutive hours (h[0..7]); NaN unless >= 6 valid.
double mean_8h(const double* h);

// Trailing moving mean over a dense hourly series: out[i] = mean of in[i-window+1 .. i] when at
// least min_valid of those hours are valid, else NaN (also for the first window-1 hours, which
// lack history). O3 8-h: window 8, min_valid 6 (GB 3095 Table 4); 24-h: window 24, min_valid 20.
// No allocation; out.size() must equal in.size().
void moving_mean(std::span<const double> in, std::span<double> out, int window, int min_valid);

struct O3Max8h {
  double value;       // NaN when not valid
  double raw_max;     // max over the valid windows (NaN if none), before the validity rule
  int valid_windows;  // 0..17
};
// o3_limit_8h: the limit that makes a short day valid anyway (GB 3095 O3 8-h, 160 class 2).
O3Max8h o3_daily_max_8h(std::span<const double, 24> hours, double o3_limit_8h = 160);

// The six hourly series of one day (index 0 = hour starting 00:00).
struct DayHours {
  std::span<const double, 24> pm25, pm10, so2, no2, co, o3;
};
// Daily AQI inputs: 24-h means, O3 daily max 8-h and max 1-h; invalid statistics are NaN.
DailyInput daily_values(const DayHours& d, double o3_limit_8h = 160);

// HJ 663 Appendix A percentile of the non-NaN values; p in [0,1]. Reorders `values` (NaNs moved
// to the end); no allocation. NaN when there are no values.
double percentile(std::span<double> values, double p);

struct MeanCount {
  double mean;  // NaN when n == 0
  int n;
};
MeanCount mean_of(std::span<const double> values);  // over non-NaN values

// Percentile used for each pollutant's annual statistic (HJ 663 3.1): SO2, NO2 0.98; PM10, PM2.5,
// CO 0.95; O3 (daily max 8-h) 0.90.
double annual_percentile_p(Pollutant p);

// Calendar-period means from the daily values of the period (NaN = invalid day). Monthly: valid
// with the month's minimum (27, February 25). Quarterly: valid when each of its months is (our
// choice; GB 3095 sets a quarterly minimum only for Pb). Annual: >= 324 days and every month.
// `first` is the date of daily[0]; the span must cover exactly the period.
double monthly_mean(core::Date first, std::span<const double> daily);
double quarterly_mean(core::Date first, std::span<const double> daily);
double annual_mean(core::Date first, std::span<const double> daily);

// Annual assessment of one pollutant (HJ 663 3.1): for so2/no2/pm10/pm25 the annual mean and the
// percentile of daily means, for co the 95th percentile, for o3_8h the 90th percentile of the
// daily max 8-h. Statistics are rounded to reporting precision (GB/T 8170) before comparing
// with the limits. `daily` = the year's daily values starting Jan 1; `scratch` a caller buffer at
// least as large (the percentile reorders a copy there; a smaller one gives an invalid result).
struct Compliance {
  double mean = kMissing;        // annual mean (NaN for co, o3_8h, or when invalid)
  double pct = kMissing;         // percentile statistic
  double mean_limit = kMissing, pct_limit = kMissing;
  bool valid = false;            // enough data (annual rule)
  bool compliant = false;        // valid and every statistic <= its limit
};
Compliance annual_compliance(LimitSet set, ZoneClass zone, Pollutant p, int year,
                             std::span<const double> daily, std::span<double> scratch);

}  // namespace skyriver::standards
