#include "assess/target_figures.h"

namespace skyriver::assess {

namespace st = skyriver::standards;

Figure air_figure(const st::PeriodSummary& s, const Indicator& ind) {
  Figure f;
  f.required = s.required_days;
  if (!ind.air) return f;
  auto conc = [&](st::Pollutant p) {
    const unsigned i = unsigned(p);
    f.value = s.conc[i];
    f.complete = s.conc_complete[i];
    f.days = s.conc_days[i];
    f.short_months = s.conc_short_months[i];
  };
  const std::string_view c = ind.code;
  if (c == "composite") {
    f.value = s.composite.total;
    f.complete = s.complete;
    f.days = s.conc_days[unsigned(st::Pollutant::pm25)];
    for (unsigned m : s.conc_short_months) f.short_months |= m;
  } else if (c == "good_ratio" || c == "heavy_days") {
    // The ratio from the counts, not the summary's 2-decimal ratio: rounding it again to the
    // indicator's one decimal would round twice (93.548 -> 93.55 -> 93.6 instead of 93.5).
    const double ratio = s.valid_days ? 100.0 * s.good_days / s.valid_days : st::kMissing;
    f.value = c == "good_ratio" ? ratio : (s.valid_days ? double(s.heavy_days) : st::kMissing);
    f.complete = s.days_complete;
    f.days = s.valid_days;
    f.short_months = s.days_short_months;
  } else if (auto p = st::pollutant_from_code(c)) {
    conc(*p);
  }
  return f;
}

}  // namespace skyriver::assess
