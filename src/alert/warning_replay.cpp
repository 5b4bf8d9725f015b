#include "alert/warning_replay.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace skyriver::alert {

namespace {

void check_days(std::span<const DayAqi> days) {
  for (std::size_t i = 1; i < days.size(); ++i)
    if (core::days_from_civil(days[i].date) != core::days_from_civil(days[i - 1].date) + 1)
      throw core::Error("replay", "days must be consecutive: " + core::format_date(days[i - 1].date) +
                                      " is followed by " + core::format_date(days[i].date));
}

// The replay over `full` (hourly, from days[0] 00:00): one decision per day at its midnight.
ReplayResult run(const RuleSet& rules, const Trace& full, std::span<const DayAqi> days, const ReplayOptions& o) {
  ReplayResult r;
  const std::size_t n = days.size();
  r.days = static_cast<int>(n);
  const std::size_t hours = full.aqi.size();
  Level level = Level::none;
  int open = -1;             // index of the warning issued and not lifted
  core::Instant starts = 0;  // when the open warning takes effect
  const std::vector<DayMet> met = days_met(rules, full);
  for (std::size_t d = 0; d < n; ++d) {
    const std::size_t a = 24 * (d > std::size_t(o.lookback_days) ? d - o.lookback_days : 0);
    const std::size_t b = std::min(hours, 24 * (d + static_cast<std::size_t>(o.horizon_days)));
    Trace t;
    t.start = full.start + static_cast<core::Instant>(a) * core::kHour;
    t.aqi.assign(full.aqi.begin() + static_cast<std::ptrdiff_t>(a), full.aqi.begin() + static_cast<std::ptrdiff_t>(b));
    if (!full.kind.empty()) t.kind = full.kind.substr(a, b - a);
    const core::Instant now = full.start + static_cast<core::Instant>(24 * d) * core::kHour;
    const Decision dec = decide(rules, t, now, level);
    std::optional<core::Instant> lifted;
    if (dec.action != Action::none && dec.action != Action::hold) {
      ReplayStep s;
      s.at = dec.effective;
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
        starts = dec.effective;
      }
      s.warning = open >= 0 ? r.warnings[open].number : 0;
      if (open >= 0) r.warnings[open].top = std::max(r.warnings[open].top, dec.level);
      if (dec.action == Action::lift && open >= 0) lifted = dec.effective;
      level = dec.level;
      r.steps.push_back(std::move(s));
    }
    // In force during day d: from `starts` to the lift (decisions fall on midnights, so a lift
    // takes effect at the start of the day; a lifted warning does not cover it).
    const core::Instant day_end = now + core::kDay;
    const bool in_force = open >= 0 && !lifted && starts < day_end;
    const double aqi = days[d].aqi;
    const bool heavy = aqi > o.heavy_above;
    if (std::isnan(aqi)) ++r.days_without_aqi;
    if (heavy) r.heavy.push_back(days[d].date);
    if (in_force) {
      ++r.warning_days;
      ++r.warnings[open].days;
      ++r.days_at[static_cast<int>(level)];
      if (heavy) r.warnings[open].heavy_covered.push_back(days[d].date);
    } else if (heavy) {
      r.missed.push_back(days[d].date);
    }
    r.daily.push_back({days[d].date, aqi, days[d].kind, in_force ? level : Level::none,
                       d < met.size() ? met[d] : DayMet{}});
    if (lifted) {
      r.warnings[open].lifted = core::beijing_date(*lifted);
      open = -1;
    }
  }
  return r;
}

}  // namespace

ReplayResult replay(const RuleSet& rules, std::span<const DayAqi> days, const ReplayOptions& o) {
  check_days(days);
  if (days.empty()) return {};
  std::vector<double> aqi;
  std::string kinds;
  for (const auto& d : days) aqi.push_back(d.aqi), kinds += d.kind;
  return run(rules, Trace::of_days(core::beijing_midnight(days[0].date), aqi, kinds), days, o);
}

ReplayResult replay_rolling(const RuleSet& rules, const Trace& rolling, std::span<const DayAqi> days,
                            const ReplayOptions& o) {
  check_days(days);
  if (days.empty()) return {};
  if (rolling.start != core::beijing_midnight(days[0].date) || rolling.aqi.size() != 24 * days.size())
    throw core::Error("replay", "the rolling trace must cover every hour of the days, from the first midnight");
  return run(rules, rolling, days, o);
}

}  // namespace skyriver::alert
