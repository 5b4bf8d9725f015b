// Replaying a daily AQI series as if it had been forecast perfectly: what the rule set would
// have issued, raised, lowered and lifted, and which heavy days (AQI > 200, 重度及以上) a
// warning covered or missed.
//
// Each day D is decided on the evening before (the forecast is published by 20:00, HJ 633-2026
// 5.2.3): the trace holds the `lookback_days` observed days before D and the `horizon_days` days
// from D on (the "forecast"); decide() runs with now = D 00:00 and the level in force. A warning
// issued for an episode that starts later takes effect then. A day is covered when a warning is
// in force during it. Days without a daily AQI are unknown (they break runs and block lifting)
// and are counted apart.
//
// replay() takes natural days; replay_rolling() takes, for days that cross midnight
// (环大气〔2017〕86号), an hourly trace of the 24-h AQI ending at each hour (Trace) and judges it
// the same way, with decisions still once a day; heavy days stay the natural days given.
// Pure functions; thread-safe.
#pragma once

#include "alert/warning_level.h"

#include <span>
#include <string>
#include <vector>

namespace skyriver::alert {

struct DayAqi {
  core::Date date;
  double aqi = 0;  // NaN = no daily AQI that day
  char kind = 'p'; // 'p' PM/other, 'o' O3 primary, 'd' dust day
};

struct ReplayStep {
  core::Date effective;   // the day it takes effect (decided the evening before)
  core::Instant at = 0;   // the hour it takes effect
  Action action = Action::none;
  Level from = Level::none, to = Level::none;
  std::string basis, kind;
  int warning = 0;        // 1-based number of the warning it belongs to
};

struct ReplayWarning {
  int number = 0;
  core::Date start;
  std::optional<core::Date> lifted;  // first day without the warning; nullopt = still in force at the end
  Level top = Level::none;
  std::string kind;                  // of the episode it was issued for
  int days = 0;                      // days in force
  std::vector<core::Date> heavy_covered;
};

// One day of the replay: what was observed, what the whole series says it met (days_met()),
// and the level of the warning in force on it.
struct ReplayDay {
  core::Date date;
  double aqi = 0;  // NaN = no daily AQI
  char kind = 'p';
  Level in_force = Level::none;
  DayMet met;
};

struct ReplayResult {
  int days = 0, days_without_aqi = 0, warning_days = 0;
  std::vector<ReplayStep> steps;
  std::vector<ReplayWarning> warnings;
  std::vector<core::Date> heavy, missed;  // heavy days, and those no warning covered
  int days_at[5] = {};                    // days in force per level (index = Level)
  std::vector<ReplayDay> daily;           // one per day given
};

struct ReplayOptions {
  int horizon_days = 3;
  int lookback_days = 7;
  double heavy_above = 200;  // a heavy day: AQI > this (HJ 633 level 5 and 6)
};

// REQUIRES: `days` consecutive calendar days in order (throws core::Error otherwise).
ReplayResult replay(const RuleSet& rules, std::span<const DayAqi> days, const ReplayOptions& o);
// REQUIRES: as replay(); `rolling` starts at days[0] 00:00 and covers every hour of `days`.
ReplayResult replay_rolling(const RuleSet& rules, const Trace& rolling, std::span<const DayAqi> days,
                            const ReplayOptions& o);

}  // namespace skyriver::alert
