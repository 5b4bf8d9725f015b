// Simulated hourly air-quality data for the scale benchmarks (bench_pg_scale, bench/pg_scale.sh,
// bench/api_uncached.sh): the six AQI pollutants of any number of stations over any period,
// with the shapes real data has, so that sizes, index depths and statistics behave like
// real ones. Not a model of any real place: the levels are of the order of a northern Chinese
// city (Datong's 2019 means: PM2.5 ~40, PM10 ~75, SO2 ~20, NO2 ~30 ug/m3, CO ~0.9 mg/m3).
//
// Contract:
// - Deterministic: value(station, parameter, hour) depends on its arguments and the seed only,
//   not on the order of calls, so any slice (a month, a range of stations) can be generated
//   alone and matches the same slice of a larger run.
// - Shapes: a seasonal cycle per pollutant (PM, SO2, CO, NO2 high in the heating season, O3
//   high in summer), a diurnal cycle in Beijing time (O3 peaks mid-afternoon, NO2 and CO at the
//   rush hours, PM at night), weather episodes of a few days shared by all stations of a region
//   (100 stations), a fixed factor per station, hourly noise, a slow downward trend (-3 %/year).
// - Gaps: about 2 % of station-days have an outage of 2-12 hours (every pollutant missing),
//   and 0.3 % of single values are missing: value() returns nullopt for those.
// - Values are rounded like published data: integers in ug/m3, CO to 0.1 mg/m3 (min 0.1).
// - Thread-safe (no state).
#pragma once

#include "core/time.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace skyriver::bench {

struct SimPollutant {
  std::string_view code, unit;
  double mean;          // long-term mean at a typical station
  double season;        // relative amplitude of the seasonal cycle (peak at `peak_day`)
  int peak_day;         // day of year of the seasonal maximum
  double diurnal;       // relative amplitude of the diurnal cycle
  double peak_hour;     // Beijing hour of the diurnal maximum
  double second_peak;   // weight of a 12-h harmonic (two daily peaks, rush hours), 0 = none
  double weather;       // sd of the log weather factor
};

inline constexpr std::array<SimPollutant, 6> kSimPollutants{{
    {"pm25", "ug/m3", 40, 0.55, 15, 0.25, 23, 0, 0.60},
    {"pm10", "ug/m3", 75, 0.40, 80, 0.25, 22, 0.3, 0.50},
    {"so2", "ug/m3", 20, 0.80, 15, 0.20, 11, 0, 0.50},
    {"no2", "ug/m3", 30, 0.30, 15, 0.35, 8, 0.9, 0.35},
    {"co", "mg/m3", 0.9, 0.50, 15, 0.25, 8, 0.8, 0.45},
    {"o3", "ug/m3", 60, 0.50, 180, 0.70, 15, 0, 0.30},
}};

class SimHourly {
 public:
  explicit SimHourly(std::uint64_t seed = 2026) : seed_(seed) {}

  // The value of pollutant `p` (index into kSimPollutants) at `station` for the hour starting at
  // `t` (UTC seconds, a whole hour), or nullopt when the station has no value then.
  std::optional<double> value(std::int64_t station, std::size_t p, core::Instant t) const {
    const std::int64_t hour = floor_div(t, 3600);
    const std::int64_t day = floor_div(t + 8 * 3600, 86400);  // Beijing day
    // outage: one in 50 station-days, hours [start, start + len)
    const std::uint64_t od = mix(1, station, day);
    if (od % 50 == 0) {
      const int start = static_cast<int>((od >> 8) % 24), len = 2 + static_cast<int>((od >> 16) % 11);
      const int h = static_cast<int>(hour - (day * 24 - 8));
      if (h >= start && h < start + len) return std::nullopt;
    }
    const std::uint64_t hv = mix(2 + p, station, hour);
    if (hv % 1000 < 3) return std::nullopt;

    const SimPollutant& s = kSimPollutants[p];
    const double kTwoPi = 6.283185307179586;
    const double doy = core::day_of_year(core::civil_from_days(day)) - 0.5;
    const double year_frac = static_cast<double>(day) / 365.2425;                // since 1970
    const double seasonal = 1 + s.season * std::cos(kTwoPi * (doy - s.peak_day) / 365.2425);
    const double bh = static_cast<double>((hour + 8) % 24);
    double diurnal = std::cos(kTwoPi * (bh - s.peak_hour) / 24);
    if (s.second_peak > 0)  // rush hours: a second harmonic, peaks at peak_hour and 12 h later
      diurnal = (diurnal + s.second_peak * std::cos(2 * kTwoPi * (bh - s.peak_hour) / 24)) / (1 + s.second_peak);
    diurnal = 1 + s.diurnal * diurnal;
    const double trend = std::pow(0.97, year_frac - 56);  // 2026 = 1
    // weather: smooth noise over 3-day knots, shared by a region of 100 stations, in log space
    const std::int64_t region = station / 100;
    const double knot = static_cast<double>(hour) / 72.0;
    const std::int64_t k0 = static_cast<std::int64_t>(std::floor(knot));
    const double f = knot - static_cast<double>(k0), w = f * f * (3 - 2 * f);
    const double n0 = gauss(mix(20 + p, region, k0)), n1 = gauss(mix(20 + p, region, k0 + 1));
    const double weather = std::exp(s.weather * ((1 - w) * n0 + w * n1) - s.weather * s.weather / 2);
    const double site = 0.75 + 0.5 * unit(mix(40 + p, station, 0));
    const double noise = std::exp(0.15 * gauss(hv));
    double v = s.mean * seasonal * diurnal * trend * weather * site * noise;
    if (s.unit == "mg/m3") return std::max(0.1, std::round(v * 10) / 10);
    return std::max(1.0, std::round(v));
  }

 private:
  static std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
  std::uint64_t mix(std::uint64_t a, std::int64_t b, std::int64_t c) const {  // splitmix64 of the three
    std::uint64_t x = seed_ ^ (a * 0x9E3779B97F4A7C15ull) ^ (static_cast<std::uint64_t>(b) * 0xC2B2AE3D27D4EB4Full) ^
                      (static_cast<std::uint64_t>(c) * 0x165667B19E3779F9ull);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  }
  static double unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }
  static double gauss(std::uint64_t x) {  // approximately standard normal (sum of 4 uniforms)
    double s = 0;
    for (int i = 0; i < 4; ++i) s += static_cast<double>((x >> (16 * i)) & 0xFFFF) / 65536.0;
    return (s - 2) * std::sqrt(3.0);
  }
  std::uint64_t seed_;
};

}  // namespace skyriver::bench
