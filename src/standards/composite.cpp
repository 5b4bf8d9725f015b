#include "standards/composite.h"

#include <cmath>
#include <vector>

#include "standards/air_stats.h"
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
  std::vector<double> buf(days.size());
  auto collect = [&](double DailyInput::*field, bool drop_dust) {
    buf.clear();
    for (const DailyRecord& d : days)
      if (!(drop_dust && d.dust)) buf.push_back(d.values.*field);
    return std::span<double>(buf);
  };
  for (const DailyRecord& d : days) {
    if (d.dust) ++s.dust_days;
    if (!d.aqi.aqi) continue;
    ++s.valid_days;
    const int a = *d.aqi.aqi;
    if (a <= 100) ++s.good_days;
    if (a > 200) ++s.heavy_days;
    ++s.days_per_level[level_of(a)];
  }
  s.good_ratio = good_day_ratio(s.good_days, s.valid_days);

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
  for (const Field& f : fields) {
    std::span<double> v = collect(f.f, f.pm);
    const MeanCount mc = mean_of(v);
    const unsigned i = unsigned(f.p);
    s.conc_days[i] = mc.n;
    const double stat = (f.p == Pollutant::co || f.p == Pollutant::o3_8h)
                            ? percentile(v, f.p == Pollutant::co ? 0.95 : 0.90)
                            : mc.mean;
    s.conc[i] = round_report(f.p, stat);
  }
  s.composite = composite_index(s.conc, cfg);
  return s;
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
