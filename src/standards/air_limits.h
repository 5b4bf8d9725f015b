// GB 3095 ambient air quality limits and data-validity minima (REFERENCE.md section 2).
//
// Three limit sets: GB 3095-2012 (data before 2026-03-01), GB 3095-2026 transitional
// (2026-03-01 .. 2030-12-31) and GB 3095-2026 final (from 2031-01-01); two function-zone
// classes. Units ug/m3, CO mg/m3. limit() returns nullopt where the standard sets no limit
// (e.g. CO annual). Validity minima are those of Table 4 (both editions).
#pragma once

#include <cstdint>
#include <optional>

#include "core/time.h"

namespace skyriver::standards {

enum class LimitSet : std::uint8_t { gb2012, gb2026_transitional, gb2026_final };
inline constexpr core::Date kGb3095FinalStart{2031, 1, 1};
LimitSet limit_set_for(core::Date d);

enum class ZoneClass : std::uint8_t { class1 = 1, class2 = 2 };

enum class LimitItem : std::uint8_t { so2, no2, co, o3, pm10, pm25, tsp, nox, pb, bap };
enum class Averaging : std::uint8_t { annual, quarterly, day, hour, max8h };

std::optional<double> limit(LimitSet set, ZoneClass zone, LimitItem item, Averaging avg);

// GB 3095 Table 4 (2012 and 2026).
inline constexpr int kMinHoursPerDay = 20;         // 24-h mean: >= 20 hourly means
inline constexpr int kMinHoursPer8h = 6;           // 8-h mean: >= 6 of the 8 hourly means
inline constexpr int kMinDaysPerYear = 324;        // annual mean: >= 324 daily means ...
inline constexpr int kMinDaysPerMonth = 27;        // ... and >= 27 per month,
inline constexpr int kMinDaysPerFebruary = 25;     //     >= 25 in February
int min_days_for_month(int month);                 // 25 for February, else 27
bool day_valid(int valid_hours);
bool window8h_valid(int valid_hours);
bool month_valid(int month, int valid_days);
// An annual mean needs >= 324 daily means in the year and every month's minimum.
bool year_valid(int valid_days_in_year, const int valid_days_per_month[12]);

}  // namespace skyriver::standards
