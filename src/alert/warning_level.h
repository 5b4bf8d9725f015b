// The level a rule set assigns to a daily-AQI trace, its episodes, and the one decision a duty
// officer takes each time a new forecast arrives (issue, raise, lower, lift or hold).
//
// A Trace holds, for every hour from `start`, the daily AQI "in effect" at that hour: for natural
// days the day's AQI repeated over its 24 hours (Trace::of_days); for days that cross midnight
// (环大气〔2017〕86号 allows any 24 consecutive hours) the AQI of the 24-h mean ending at that hour.
// "N consecutive days above A" then means hours t, t+24, ..., t+24(N-1) all above A, so both
// readings use one rule. Unknown hours are NaN: they break a run and are never clean.
//
// Episodes (过程): the hours that belong to a run meeting some level's start condition; runs
// closer than the rule set's merge gap are one episode (their gap included). Every hour of an
// episode has the episode's level, the highest level of a run inside it: the higher level holds
// through the episode, and merged episodes start from the higher level ("两次过程间隔未达到解除
// 条件的, 按一次过程从高级别启动", REFERENCE.md 5). Its kind is "o3" or "dust" when every hour of
// its runs has that primary kind, else "pm".
//
// decide(): the level called for now (target) is the highest hourly level in the window
// [now, now + lift_hours). Above the level in force: issue or raise, effective at the first hour
// of the window that belongs to the episode (at the earliest now). Below it while an episode is
// still in the window: hold (a level is never lowered mid-episode). No episode in the window:
// lift (effective now) only when every hour of the window is known: the forecast stays below the
// start condition for lift_hours (36 h: 35 h is not enough); otherwise hold. Action::lower is
// kept for the desk's manual steps; decide() does not return it.
// Pure functions; thread-safe.
#pragma once

#include "alert/warning_rules.h"
#include "core/time.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace skyriver::alert {

struct Trace {
  core::Instant start = 0;  // the first hour (a whole hour)
  std::vector<double> aqi;  // one per hour; NaN = unknown
  std::string kind;         // one per hour or empty: 'p' PM/other, 'o' O3 primary, 'd' dust
  core::Instant end() const { return start + static_cast<core::Instant>(aqi.size()) * core::kHour; }
  // Whole days from `first_day_start` (a midnight, or any hour for days that cross midnight).
  static Trace of_days(core::Instant first_day_start, std::span<const double> days,
                       std::string_view day_kinds = {});
};

struct Episode {
  core::Instant from = 0, to = 0;  // [from, to), whole hours of the trace
  Level level = Level::none;
  std::string basis;  // the first alternative (config order) of `level` met inside, as text
  std::string kind;   // pm | o3 | dust
  double peak = 0;    // highest AQI inside
};

// Every episode of the trace, in time order. REQUIRES: trace.kind empty or one per hour.
std::vector<Episode> episodes(const RuleSet& rules, const Trace& trace);

// The highest level anywhere in the trace and the (first) episode that has it.
struct Assessment {
  Level level = Level::none;
  std::optional<Episode> episode;
};
Assessment assess(const RuleSet& rules, const Trace& trace);

// What each day of the trace met, judged on the whole trace (one analysis): for day d (hours
// [24d, 24d + 24) from trace.start) the level its hours take and the alternatives whose runs
// cover one of its hours, highest level first, as "orange: > 200 for 3 consecutive days ...";
// joined by "; ". A day inside an episode that met none itself (a merged gap) says so.
struct DayMet {
  Level level = Level::none;
  std::string met;
};
std::vector<DayMet> days_met(const RuleSet& rules, const Trace& trace);

enum class Action { none, issue, raise, lower, lift, hold };
std::string_view action_name(Action a);  // none issue raise lower lift hold

struct Decision {
  Action action = Action::none;
  Level in_force = Level::none;  // before
  Level target = Level::none;    // what the episodes in the window call for
  Level level = Level::none;     // after the action
  core::Instant effective = 0;   // when the action takes effect
  std::optional<Episode> episode;  // the episode behind `target` (none when target is none)
};
// REQUIRES: trace.start <= now < trace.end(), now on a whole hour of the trace.
Decision decide(const RuleSet& rules, const Trace& trace, core::Instant now, Level in_force);

}  // namespace skyriver::alert
