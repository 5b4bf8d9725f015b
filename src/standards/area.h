// Area (county, district, city) values from the values of its sites (REFERENCE.md 3.5).
//
// The area's hourly concentration of a pollutant is the arithmetic mean of its valid sites for
// that hour; the area AQI is then computed from these area concentrations (never the max of the
// site AQIs). An area hour is valid only when at least `min_valid_share` of its sites have a
// valid value: city.toml [assessment] min_site_share, default 75 % [U: the number is not
// confirmed in a primary text; docs/air.md].
// Area daily statistics (24-h means, O3 8-h) are computed on the area hourly series.
#pragma once

#include <span>

#include "standards/aqi.h"

namespace skyriver::standards {

struct AreaConfig {
  double min_valid_share = 0.75;  // of the area's sites, per hour and pollutant
};

// site_values: one value per site of the area (NaN = missing). NaN when too few are valid.
double area_mean(std::span<const double> site_values, const AreaConfig& cfg = {});

// The area's real-time inputs from its sites' hourly inputs (1-h values only; o3_8h and so2_24h
// are left NaN: compute them on the area hourly series).
HourlyInput area_hour(std::span<const HourlyInput> sites, const AreaConfig& cfg = {});

}  // namespace skyriver::standards
