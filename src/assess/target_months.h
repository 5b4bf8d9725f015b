// Monthly control targets (预下达月度控制目标): a configured [[monthly]] value, else the default
// of targets.toml [rules] monthly_default:
//
//   flat     the annual target, every month.
//   pattern  the annual target shaped by the area's own monthly pattern over the previous
//            `pattern_years` years of data (years without a complete month are skipped):
//     concentrations, percentiles, composite: target_m = annual x f_m, f_m = the month's mean
//       figure over the base years / the mean of the months' figures (so the 12 targets
//       average to the annual target);
//     good-day ratio: the non-good days the annual target allows, (1 - T/100), shared out by the
//       base years' non-good fraction per month: target_m = 100 x (1 - (1 - T/100) x b_m / mean b);
//     heavy-pollution days: the annual number shared out by the base years' heavy days per month
//       (by days in the month when there were none).
//   Water indicators are flat. A month without a complete figure in any base year keeps the
//   annual target, and the pattern is normalised over the months that have one (their mean
//   factor is 1), so the twelve still average to the annual target (heavy days: the months with
//   a base share their part of the year, the others keep their share by length); an area
//   without base data is flat. `source` says which.
// Every default target is marked inherited and to be confirmed; a configured one is as written.
//
// REQUIRES: call inside Engine::read() (reads the engine's series). MonthlyTargets is plain
// data, safe to share once built.
#pragma once

#include "assess/targets.h"
#include "engine/engine.h"

#include <array>
#include <map>
#include <optional>
#include <string>

namespace skyriver::assess {

struct MonthlyTargets {
  // by indicator code: the 12 months' targets (nullopt where the annual target is missing)
  std::map<std::string, std::array<std::optional<Target>, 12>> by_indicator;
  std::string how;  // "pattern 2016-2018", "flat", "flat (no base data)" ...
};

MonthlyTargets monthly_targets(const engine::Engine& e, const Targets& t, const std::string& area, int year);

}  // namespace skyriver::assess
