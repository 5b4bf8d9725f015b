#include "alert/warning_replay.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace skyriver::alert {

ReplayResult replay(const RuleSet& rules, std::span<const DayAqi> days, const ReplayOptions& o) {
  ReplayResult r;
  const std::size_t n = days.size();
  r.days = static_cast<int>(n);
  for (std::size_t i = 1; i < n; ++i)
    if (core::days_from_civil(days[i].date) != core::days_from_civil(days[i - 1].date) + 1)
      throw core::Error("replay", "days must be consecutive: " + core::format_date(days[i - 1].date) +
                                      " is followed by " + core::format_date(days[i].date));
  std::vector<double> aqi(n);
  std::string kinds(n, 'p');
  for (std::size_t i = 0; i < n; ++i) aqi[i] = days[i].aqi, kinds[i] = days[i].kind;

  Level level = Level::none;
  std::int64_t starts = 0;  // day index the open warning takes effect
  int open = -1;  // index of the warning in force (or issued, starting later)
  for (std::size_t d = 0; d < n; ++d) {
    const std::size_t a = d > std::size_t(o.lookback_days) ? d - o.lookback_days : 0;
    const std::size_t b = std::min(n, d + static_cast<std::size_t>(o.horizon_days));
    const Trace t = Trace::of_days(core::beijing_midnight(days[a].date),
                                   std::span<const double>(aqi).subspan(a, b - a),
                                   std::string_view(kinds).substr(a, b - a));
    const core::Instant now = core::beijing_midnight(days[d].date);
    const Decision dec = decide(rules, t, now, level);
    if (dec.action != Action::none && dec.action != Action::hold) {
      ReplayStep s;
      s.effective = core::beijing_date(dec.effective);
      s.action = dec.action;
      s.from = level, s.to = dec.level;
      if (dec.episode) s.basis = dec.episode->basis, s.kind = dec.episode->kind;
      if (dec.action == Action::issue) {
        ReplayWarning w;
        w.number = static_cast<int>(r.warnings.size()) + 1;
        w.start = s.effective;
        w.kind = s.kind;
        r.warnings.push_back(w);
        open = static_cast<int>(r.warnings.size()) - 1;
        starts = core::days_from_civil(w.start) - core::days_from_civil(days[0].date);
      }
      s.warning = open >= 0 ? r.warnings[open].number : 0;
      if (open >= 0) r.warnings[open].top = std::max(r.warnings[open].top, dec.level);
      if (dec.action == Action::lift && open >= 0) {
        r.warnings[open].lifted = days[d].date;
        open = -1;
      }
      level = dec.level;
      r.steps.push_back(std::move(s));
    }
    const bool in_force = open >= 0 && static_cast<std::int64_t>(d) >= starts;
    const bool heavy = aqi[d] > o.heavy_above;
    if (std::isnan(aqi[d])) ++r.days_without_aqi;
    if (heavy) r.heavy.push_back(days[d].date);
    if (in_force) {
      ++r.warning_days;
      ++r.warnings[open].days;
      ++r.days_at[static_cast<int>(level)];
      if (heavy) r.warnings[open].heavy_covered.push_back(days[d].date);
    } else if (heavy) {
      r.missed.push_back(days[d].date);
    }
  }
  return r;
}

}  // namespace skyriver::alert
