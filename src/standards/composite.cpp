#include "standards/composite.h"

#include <cmath>
#include <vector>

#include "standards/air_stats.h"
#include "standards/data_minimum.h"
#include "standards/day_status.h"
#include "standards/rounding.h"

namespace skyriver::standards {

CompositeIndex composite_index(const std::array<double, kPollutantCount>& c,
                               const CompositeConfig& cfg) {
  CompositeIndex r;
  r.single.fill(kMissing);
  double sum = 0, mx = -1;
  bool complete = true;
  for (Pollutant p : kPollutants) {
    if (p == Pollutant::o3) continue;
    const unsigned i = unsigned(p);
    const double v = c[i] / cfg.denominators[i];
    r.single[i] = v;
    if (std::isnan(v)) {
      complete = false;
      continue;
    }
    sum += v;
    mx = std::max(mx, v);
  }
  if (complete) r.total = round_half_even(sum, 2);
  for (Pollutant p : kPollutants)
    if (!std::isnan(r.single[unsigned(p)]) && r.single[unsigned(p)] == mx && mx >= 0)
      r.primary |= bit(p);
  return r;
}

PeriodSummary summarize_period(std::span<const DailyRecord> days, const CompositeConfig& cfg) {
  PeriodSummary s;
  s.days = int(days.size());
  // The period's calendar: records are placed by date, so a missing record is a missing day.
  const core::Date first = days.empty() ? core::Date{} : days.front().date;
  const std::size_t span =
      days.empty() ? 0 : std::size_t(core::days_from_civil(days.back().date) - core::days_from_civil(first) + 1);
  std::vector<double> dense(span), buf(days.size());
  auto slot = [&](const DailyRecord& d) { return std::size_t(core::days_from_civil(d.date) - core::days_from_civil(first)); };
  auto collect = [&](double DailyInput::*field, bool drop_dust) {
    buf.clear();
    for (const DailyRecord& d : days)
      if (!(drop_dust && d.dust)) buf.push_back(d.values.*field);
    return std::span<double>(buf);
  };
  // Coverage of one daily series (dust days count as measured: deduction is a rule, not a gap).
  auto covered = [&](auto&& valid_of) {
    std::fill(dense.begin(), dense.end(), kMissing);
    for (const DailyRecord& d : days)
      if (valid_of(d)) dense[slot(d)] = 1;
    return coverage(first, dense);
  };
  for (const DailyRecord& d : days) {
    if (d.dust) ++s.dust_days;
    const DayStatus st = day_status(d.values, d.aqi);
    if (st == DayStatus::invalid) continue;
    ++s.valid_days;
    const int a = d.aqi.aqi ? *d.aqi.aqi : d.aqi.max_iaqi;
    if (st == DayStatus::good) ++s.good_days;
    if (a > 200) ++s.heavy_days;
    ++s.days_per_level[level_of(a)];
  }
  s.good_ratio = good_day_ratio(s.good_days, s.valid_days);
  const Coverage dc = covered([](const DailyRecord& d) { return day_status(d.values, d.aqi) != DayStatus::invalid; });
  s.required_days = dc.required;
  s.days_complete = dc.complete;
  s.days_short_months = dc.short_months;

  s.conc.fill(kMissing);
  struct Field {
    Pollutant p;
    double DailyInput::*f;
    bool pm;
  };
  const Field fields[] = {{Pollutant::pm25, &DailyInput::pm25, true},
                          {Pollutant::pm10, &DailyInput::pm10, true},
                          {Pollutant::so2, &DailyInput::so2, false},
                          {Pollutant::no2, &DailyInput::no2, false},
                          {Pollutant::co, &DailyInput::co, false},
                          {Pollutant::o3_8h, &DailyInput::o3_8h, false}};
  s.complete = !days.empty();
  for (const Field& f : fields) {
    const unsigned i = unsigned(f.p);
    const Coverage cc = covered([&](const DailyRecord& d) { return !std::isnan(d.values.*f.f); });
    s.conc_complete[i] = cc.complete;
    s.conc_short_months[i] = cc.short_months;
    s.complete = s.complete && s.conc_complete[i];
    std::span<double> v = collect(f.f, f.pm);
    const MeanCount mc = mean_of(v);
    s.conc_days[i] = mc.n;
    const double stat = (f.p == Pollutant::co || f.p == Pollutant::o3_8h)
                            ? percentile(v, f.p == Pollutant::co ? 0.95 : 0.90)
                            : mc.mean;
    s.conc[i] = round_report(f.p, stat);
  }
  s.composite = composite_index(s.conc, cfg);
  return s;
}

std::vector<int> rank_ascending(std::span<const double> keys) {
  std::vector<int> rank(keys.size(), 0);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (std::isnan(keys[i])) continue;
    int better = 0;
    for (double k : keys) better += !std::isnan(k) && k < keys[i];
    rank[i] = better + 1;
  }
  return rank;
}

double good_day_ratio(int good_days, int valid_days) {
  return valid_days ? round_half_even(100.0 * good_days / valid_days, 2) : kMissing;
}

PeriodChange compare_periods(const PeriodSummary& now, const PeriodSummary& last) {
  PeriodChange c;
  auto pct = [](double a, double b) { return (a - b) / b * 100.0; };
  c.composite_pct = pct(now.composite.total, last.composite.total);
  c.good_ratio_points = now.good_ratio - last.good_ratio;
  for (int i = 0; i < kPollutantCount; ++i) c.conc_pct[i] = pct(now.conc[i], last.conc[i]);
  return c;
}

}  // namespace skyriver::standards
