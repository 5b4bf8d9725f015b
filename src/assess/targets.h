// The city's targets (考核目标): annual targets for the city and each district/county, and the
// monthly control targets handed down in advance (预下达月度控制目标), read from
// config/<city>/targets.toml (documented in docs/targets.md).
//
// Every target carries where it comes from (`source`) and whether the city has confirmed it
// (`confirmed = false` is shown as 待确认). A target may have no value: the plan names the
// indicator but the number is the city's to set ("完成国家、省级下达指标"); progress then shows
// the figure with no gap.
//
// Annual targets: [[target]] blocks per area and year (or range of years). An area without a
// block for a year takes the city's targets of that year, marked to be confirmed ([rules]
// area_default = "city"; "none" turns this off).
// Monthly targets: [[monthly]] blocks per area, year and month override the default; the
// default ([rules] monthly_default) is "pattern" (the annual target shaped by the monthly
// pattern of the previous `pattern_years` years, computed from the data: target_months.h) or
// "flat" (the annual target every month).
//
// Contract: load_targets() validates everything and throws core::Error("FILE: KEY", why) for
// the first problem: unknown area (not in the city configuration), unknown indicator, a target
// without a unit or with the wrong unit, a bad operator, month outside 1..12, a year range
// upside down, two blocks for the same area, year and indicator. The result is immutable and
// safe to share between threads.
#pragma once

#include "model/city.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::assess {

// ---- indicators ---------------------------------------------------------------------------
enum class Better { lower, higher };

struct Indicator {
  std::string_view code;     // pm25 pm10 so2 no2 co o3_8h composite good_ratio heavy_days
                             // water_good_share water_worse_v_share
  std::string_view name_zh, name_en;
  std::string_view unit;     // normalised (model::normalize_unit): ug/m3, mg/m3, %, d, 1
  std::string_view unit_shown;  // µg/m³ ...
  int decimals;              // reporting precision of the figure
  Better better;
  bool air;                  // from the air data (else water)
};
const std::vector<Indicator>& indicators();
const Indicator* find_indicator(std::string_view code);

// ---- targets ------------------------------------------------------------------------------
enum class Op { lt, le, ge, gt };
std::string_view op_text(Op op);                   // "<" "≤" "≥" ">"
std::optional<Op> parse_op(std::string_view s);    // < <= ≤ >= ≥ >

struct Target {
  std::optional<double> value;  // none: named but not set (待定)
  Op op = Op::le;
  std::string source;
  bool confirmed = false;
  bool inherited = false;       // taken from the city (area_default) or shaped (monthly default)
  // met(): the figure, rounded to the indicator's precision, satisfies the target.
  bool met(double figure, int decimals) const;
};

struct AreaYearTargets {
  std::map<std::string, Target> annual;                     // by indicator code
  std::array<std::map<std::string, Target>, 12> monthly;    // configured overrides only
};

enum class MonthlyDefault { pattern, flat };

class Targets {
 public:
  std::string file;
  MonthlyDefault monthly_default = MonthlyDefault::pattern;
  int pattern_years = 3;
  bool area_default_city = true;
  std::string city;  // the city's area code

  // The annual target of an indicator (configured, or the city's when area_default_city).
  std::optional<Target> annual(const std::string& area, int year, std::string_view indicator) const;
  // A configured monthly override (no default applied here: see target_months.h).
  std::optional<Target> monthly_override(const std::string& area, int year, int month,
                                         std::string_view indicator) const;
  bool has_year(int year) const;  // any area has targets for `year`

  // Filled by load_targets(): (area, year) -> targets.
  std::map<std::pair<std::string, int>, AreaYearTargets> table;
};

// Reads `file` (normally <config>/targets.toml) against the city's areas.
Targets load_targets(const std::string& file, const model::CityConfig& city);

}  // namespace skyriver::assess
