#include "standards/day_status.h"

#include <cmath>

namespace skyriver::standards {

DayStatus day_status(const DailyInput& v, const AqiResult& aqi) {
  const bool all = !std::isnan(v.pm25) && !std::isnan(v.pm10) && !std::isnan(v.so2) &&
                   !std::isnan(v.no2) && !std::isnan(v.co) && !std::isnan(v.o3_8h);
  if (all && aqi.aqi) return *aqi.aqi <= 100 ? DayStatus::good : DayStatus::not_good;
  // max_iaqi holds the largest IAQI computed, also when the 2026 AQI is NA.
  if (aqi.max_iaqi > 100) return DayStatus::not_good;
  return DayStatus::invalid;
}

}  // namespace skyriver::standards
