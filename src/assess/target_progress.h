// Progress against targets for an area and a month: for every indicator the month-to-date and
// year-to-date figures, their targets (monthly control target, annual target), the gap and
// whether the target is met, the change against the same period last year, the rank among the
// districts and counties, and the remaining allowance: what the rest of the year must stay
// within for the annual target still to be met.
//
// Periods: the month is [YYYY-MM-01, through], the year to date [YYYY-01-01, through]; `through`
// is the month's last day, or the data's latest day when the month is still running. The same
// calendar dates one year earlier give the change (29 Feb -> 28 Feb).
// Figures follow HJ 663 through the engine and standards (day validity, data minimum: a figure
// below its minimum is shown with complete = false and is not ranked).
// Gap = figure - target (in the indicator's unit; > 0 is worse for a lower-is-better indicator).
// met: the figure rounded to the indicator's precision satisfies the target (nullopt when either
// is missing).
//
// Remaining allowance (assumes every remaining day of the year is a valid day; N = valid days
// so far + remaining days):
//   annual means (PM2.5, PM10, SO2, NO2): the remaining days must average below
//     A = (B x N - S) / r, with S the sum of the valid daily values so far, r the remaining days
//     and B the largest unrounded annual mean that still meets the target after rounding to
//     reporting precision (GB/T 8170): "< T" -> T - 0.5, "<= T" -> T + 0.5 (integers; CO 0.05).
//   good-day ratio (>= T %): non-good days still allowed = (N - ceil(T x N / 100)) - non-good so far.
//   heavy-pollution days (<= H): H - so far (< H: H - 1 - so far).
//   percentiles (O3-8h P90, CO P95): days still allowed above B: with k = 1 + (N-1)p and
//     s = floor(k), at most N - s - (k > s ? 1 : 0) of the N days may exceed B, minus those
//     already above (sufficient condition, HJ 663 Appendix A).
//   composite and water: none (no single figure the rest of the year can be held to).
// A negative allowance means the annual target can no longer be met.
//
// REQUIRES: progress() and progress_all() inside Engine::read().
#pragma once

#include "assess/target_figures.h"
#include "assess/target_months.h"
#include "assess/targets.h"
#include "engine/engine.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace skyriver::assess {

struct Allowance {
  std::string kind;          // average_below | days_left | days_above_left | "" (none)
  double value = standards::kMissing;
  int remaining_days = 0;    // calendar days after `through` in the year
  bool reachable = false;    // value >= 0 (the target can still be met)
  // The best the year can still end at, for saying by how much a lost target is lost:
  // average_below: the annual mean if every remaining day were 0; good_ratio: the ratio (%) if
  // every remaining day were good. NaN for the other kinds.
  double best = standards::kMissing;
};

struct IndicatorProgress {
  const Indicator* indicator = nullptr;
  Figure month, ytd, month_last_year, ytd_last_year;
  std::optional<Target> month_target, year_target;
  double month_gap = standards::kMissing, ytd_gap = standards::kMissing;
  std::optional<bool> month_met, ytd_met;
  double month_change = standards::kMissing, ytd_change = standards::kMissing;  // % (ratio: points)
  int month_rank = 0, ytd_rank = 0;  // among districts/counties; 0 = not ranked (or the city)
  Allowance allowance;
};

// Water figures of a period, given by the caller (they come from the store, not the engine):
// shares in percent, NaN = none.
struct WaterFigures {
  double good_share = standards::kMissing, worse_v_share = standards::kMissing;
  int sections = 0;
};

struct AreaProgress {
  std::string code, name, level;
  int year = 0, month = 0;
  core::Date through;
  standards::PeriodSummary month_summary, ytd_summary, month_last_year, ytd_last_year;
  std::vector<IndicatorProgress> items;  // indicators() order
  std::string monthly_targets_how;       // MonthlyTargets::how
  const IndicatorProgress* item(std::string_view code) const;
};

// through: the last day to count (nullopt: the month's end, or the data's latest day if sooner).
core::Date progress_through(const engine::Engine& e, int year, int month, std::optional<core::Date> through = std::nullopt);

// Every configured area (city first, then districts/counties), ranks filled among the districts
// and counties. `water`: per area code, for the month and the year to date (missing = none).
struct WaterByArea {
  std::map<std::string, WaterFigures> month, ytd;
};
std::vector<AreaProgress> progress_all(const engine::Engine& e, const Targets& t, int year, int month,
                                       core::Date through, const WaterByArea& water = {});
// One area (ranks still computed among all districts/counties).
AreaProgress progress(const engine::Engine& e, const Targets& t, const std::string& area, int year, int month,
                      core::Date through, const WaterByArea& water = {});

// The allowance of one indicator from the year's daily records so far (exposed for tests).
Allowance remaining_allowance(const Indicator& ind, const Target& annual, std::span<const standards::DailyRecord> ytd,
                              int remaining_days);

nlohmann::json target_json(const std::optional<Target>& t);  // null, or {value, op, source, confirmed, inherited}
nlohmann::json to_json(const IndicatorProgress& p);
nlohmann::json to_json(const AreaProgress& a);

}  // namespace skyriver::assess
