#include "standards/air_stats.h"

#include <algorithm>
#include <cmath>

#include "standards/rounding.h"

namespace skyriver::standards {

double daily_mean(std::span<const double, 24> hours) {
  double sum = 0;
  int n = 0;
  for (double v : hours)
    if (!std::isnan(v)) sum += v, ++n;
  return day_valid(n) ? sum / n : kMissing;
}

double daily_max_1h(std::span<const double, 24> hours) {
  double mx = kMissing;
  int n = 0;
  for (double v : hours)
    if (!std::isnan(v)) {
      ++n;
      if (!(v <= mx)) mx = v;
    }
  return day_valid(n) ? mx : kMissing;
}

double mean_8h(const double* h) {
  double sum = 0;
  int n = 0;
  for (int i = 0; i < 8; ++i)
    if (!std::isnan(h[i])) sum += h[i], ++n;
  return window8h_valid(n) ? sum / n : kMissing;
}

void moving_mean(std::span<const double> in, std::span<double> out, int window, int min_valid) {
  // Direct sum per window (window <= 24): exact and simple; a running sum would drift.
  const std::size_t w = std::size_t(window);
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[i] = kMissing;
    if (i + 1 < w) continue;
    double sum = 0;
    int n = 0;
    for (std::size_t k = i + 1 - w; k <= i; ++k)
      if (!std::isnan(in[k])) sum += in[k], ++n;
    if (n >= min_valid) out[i] = sum / n;
  }
}

O3Max8h o3_daily_max_8h(std::span<const double, 24> hours, double o3_limit_8h) {
  O3Max8h r{kMissing, kMissing, 0};
  for (int start = 0; start + 8 <= 24; ++start) {  // windows ending 08:00 .. 24:00
    const double m = mean_8h(hours.data() + start);
    if (std::isnan(m)) continue;
    ++r.valid_windows;
    if (!(m <= r.raw_max)) r.raw_max = m;
  }
  // >= 14 valid windows, or fewer when the maximum already exceeds the limit (HJ 663-2026 6.1.2).
  if (r.valid_windows >= 14 || r.raw_max > o3_limit_8h) r.value = r.raw_max;
  return r;
}

DailyInput daily_values(const DayHours& d, double o3_limit_8h) {
  DailyInput in;
  in.pm25 = daily_mean(d.pm25);
  in.pm10 = daily_mean(d.pm10);
  in.so2 = daily_mean(d.so2);
  in.no2 = daily_mean(d.no2);
  in.co = daily_mean(d.co);
  in.o3_8h = o3_daily_max_8h(d.o3, o3_limit_8h).value;
  in.o3 = daily_max_1h(d.o3);
  return in;
}

double percentile(std::span<double> values, double p) {
  auto end = std::partition(values.begin(), values.end(), [](double v) { return !std::isnan(v); });
  const std::size_t n = std::size_t(end - values.begin());
  if (n == 0) return kMissing;
  const double k = 1 + double(n - 1) * p;  // 1-based position, HJ 663 Appendix A
  const std::size_t s = std::size_t(k);
  const double frac = k - double(s);
  auto xs = values.begin() + std::ptrdiff_t(s - 1);
  std::nth_element(values.begin(), xs, end);
  const double lo = *xs;
  if (frac == 0 || s >= n) return lo;
  const double hi = *std::min_element(xs + 1, end);  // X(s+1): smallest of the rest
  return lo + (hi - lo) * frac;
}

MeanCount mean_of(std::span<const double> values) {
  double sum = 0;
  int n = 0;
  for (double v : values)
    if (!std::isnan(v)) sum += v, ++n;
  return {n ? sum / n : kMissing, n};
}

double annual_percentile_p(Pollutant p) {
  switch (p) {
    case Pollutant::so2:
    case Pollutant::no2: return 0.98;
    case Pollutant::o3:
    case Pollutant::o3_8h: return 0.90;
    default: return 0.95;
  }
}

namespace {
// Valid-day counts per month of a span starting at `first`.
void count_months(core::Date first, std::span<const double> daily, int counts[12]) {
  std::fill(counts, counts + 12, 0);
  core::Date d = first;
  for (double v : daily) {
    if (!std::isnan(v)) ++counts[d.month - 1];
    d = core::add_days(d, 1);
  }
}
}  // namespace

double monthly_mean(core::Date first, std::span<const double> daily) {
  const MeanCount m = mean_of(daily);
  return month_valid(first.month, m.n) ? m.mean : kMissing;
}

double quarterly_mean(core::Date first, std::span<const double> daily) {
  int counts[12];
  count_months(first, daily, counts);
  const int q0 = (first.month - 1) / 3 * 3;
  for (int m = q0; m < q0 + 3; ++m)
    if (!month_valid(m + 1, counts[m])) return kMissing;
  return mean_of(daily).mean;
}

double annual_mean(core::Date first, std::span<const double> daily) {
  int counts[12];
  count_months(first, daily, counts);
  const MeanCount m = mean_of(daily);
  return year_valid(m.n, counts) ? m.mean : kMissing;
}

Compliance annual_compliance(LimitSet set, ZoneClass zone, Pollutant p, int year,
                             std::span<const double> daily, std::span<double> scratch) {
  Compliance c;
  if (scratch.size() < daily.size()) return c;  // contract: scratch as large as daily
  const core::Date first{year, 1, 1};
  int counts[12];
  count_months(first, daily, counts);
  const MeanCount m = mean_of(daily);
  c.valid = year_valid(m.n, counts);
  LimitItem item = LimitItem::pm25;
  switch (p) {
    case Pollutant::pm25: item = LimitItem::pm25; break;
    case Pollutant::pm10: item = LimitItem::pm10; break;
    case Pollutant::so2: item = LimitItem::so2; break;
    case Pollutant::no2: item = LimitItem::no2; break;
    case Pollutant::co: item = LimitItem::co; break;
    case Pollutant::o3:
    case Pollutant::o3_8h: item = LimitItem::o3; break;
  }
  const bool o3 = item == LimitItem::o3;
  if (auto l = limit(set, zone, item, Averaging::annual)) {
    c.mean_limit = *l;
    c.mean = round_report(p, m.mean);
  }
  if (auto l = limit(set, zone, item, o3 ? Averaging::max8h : Averaging::day)) c.pct_limit = *l;
  std::copy(daily.begin(), daily.end(), scratch.begin());
  c.pct = round_report(p, percentile(scratch.first(daily.size()), annual_percentile_p(p)));
  c.compliant = c.valid && !(c.pct > c.pct_limit) && !(c.mean > c.mean_limit);
  return c;
}

}  // namespace skyriver::standards
