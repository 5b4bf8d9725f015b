// HJ 633 air quality index: IAQI of one concentration, the real-time (hourly) and daily AQI, the
// primary and exceedance pollutants, the level and what is published. Both editions: HJ 633-2012
// and HJ 633-2026 (REFERENCE.md section 1); choose with edition_for(date) or force one.
//
// Contract: pure functions, no allocation, no I/O. Concentrations are in ug/m3 (CO mg/m3); NaN
// means missing. Negative values are treated as missing here (the edges reject them as bad input).
// IAQI and AQI are rounded up to integers (2012 6.2, 2026 4.2.6). In 2026 the input concentrations
// are first rounded per GB/T 8170 (integers, CO one decimal; 2026 4.2.2-4.2.3).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "standards/edition.h"

namespace skyriver::standards {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// The breakpoint columns of HJ 633-2012 Table 1 / HJ 633-2026 Table 3.
enum class Scale : std::uint8_t {
  so2_24h, so2_1h, no2_24h, no2_1h, pm10_24h, co_24h, co_1h, o3_1h, o3_8h, pm25_24h
};

// IAQI of concentration c on a scale, rounded up. nullopt when c is missing, or beyond the last
// node of the SO2-1h or O3-8h scales (above 800: the edition rules in hourly_aqi/daily_aqi apply).
// Above the IAQI-500 node of the other scales the IAQI is 500 (the table ends there) [U].
// No input rounding here: hourly_aqi/daily_aqi apply the 2026 rounding before calling this.
std::optional<int> iaqi(Edition e, Scale s, double c);

// Real-time report inputs (one site or area, one hour). NaN = missing.
struct HourlyInput {
  double pm25 = kMissing, pm10 = kMissing, so2 = kMissing, no2 = kMissing, co = kMissing,
         o3 = kMissing;         // 1-hour means; PM is evaluated on the 24-h nodes (both editions)
  // 2012 only: 8-hour moving mean ending with this hour. HJ 633-2012 5.1.3 lists it among the
  // real-time indicators, but CNEMC's published AQI does not use it (2019 national files: 99.9999 %
  // of station-hours match without it, 86 % with it): leave NaN to follow the published practice.
  double o3_8h = kMissing;
  double so2_24h = kMissing;    // 2012 only: 24-hour mean, replaces SO2 1h when that is > 800
};

// Daily report inputs (one site or area, one natural day). NaN = missing or invalid.
struct DailyInput {
  double pm25 = kMissing, pm10 = kMissing, so2 = kMissing, no2 = kMissing,
         co = kMissing;         // 24-hour means
  double o3_8h = kMissing;      // daily maximum 8-hour mean
  double o3 = kMissing;         // 2012 only: daily maximum 1-hour value
};

struct AqiResult {
  std::array<std::optional<std::int16_t>, kPollutantCount> iaqi{};  // by Pollutant
  std::optional<std::int16_t> aqi;  // the published AQI; nullopt = "NA"
  std::int16_t max_iaqi = 0;        // max of the computed IAQIs (even when aqi is NA)
  std::uint8_t primary = 0;         // bit(Pollutant) of the primary pollutant(s); AQI > 50 only
  std::uint8_t exceed = 0;          // 2012: IAQI > 100 (超标污染物); always 0 in 2026
  std::uint8_t missing = 0;         // indicators of the edition that were missing
  int level() const;                // 1..6, 0 when aqi is NA
};

// `not_monitored`: 2026 5.3 "/" pollutants (not in the site's plan): not counted as missing.
// 2012: the AQI is the max over the indicators present (NA only when none is).
// 2026: a missing indicator leaves the AQI published only when it is still > 100, else NA.
// 2012 real-time: IAQI from the 1-h values (PM on the 24-h nodes, CNEMC practice since 2014) and
// o3_8h when given (see above); SO2 1h > 800 -> SO2 IAQI from so2_24h; O3 8h > 800 -> O3 8h not used.
// 2026 real-time: the six 1-h values; SO2 1h > 800 -> SO2 IAQI 200.
AqiResult hourly_aqi(Edition e, const HourlyInput& in, std::uint8_t not_monitored = 0);
// 2012 daily: six 24-h/8-h indicators plus O3 daily max 1h (o3). 2026 daily: six indicators,
// O3 8h > 800 -> O3 IAQI 300.
AqiResult daily_aqi(Edition e, const DailyInput& in, std::uint8_t not_monitored = 0);

// Level 1..6 of an AQI (HJ 633 Table 2 / 2026 Table 1).
int level_of(int aqi);

struct LevelInfo {
  int level;
  std::string_view level_zh;     // 一级 ...
  std::string_view category_zh;  // 优 ...
  std::string_view category_en;  // Excellent ...
  std::string_view colour_zh;    // 绿色 ...
  std::string_view colour_en;    // green ...
  std::array<std::uint8_t, 3> rgb;
  std::string_view effect_zh, advice_zh, effect_en, advice_en;
};
const LevelInfo& level_info(Edition e, int level);  // level 1..6

// HJ 633-2026 Table 2: the sensitive groups named for a pollutant whose IAQI is > 100 (2026
// only; our paraphrase of the table, REFERENCE.md 1.3). o3 and o3_8h share one entry.
struct SensitiveGroups {
  std::string_view zh, en;
};
SensitiveGroups sensitive_groups(Pollutant p);

}  // namespace skyriver::standards
