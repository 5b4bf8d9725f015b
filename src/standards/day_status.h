// Whether a day counts in the good-day ratio, and how: the denominator of 优良天数比例 is the
// days whose air quality can be judged, not every day with some number on it.
//
// A day is judged on the six basic items of HJ 663 (SO2, NO2, CO, PM10, PM2.5 24-h means and
// the O3 daily maximum 8-h mean; HJ 663-2013 4.3 Table 1 daily items [U], HJ 633-2026 4.2.2 the
// six daily indicators [P]):
//   - all six valid (GB 3095 Table 4 per item)  -> a valid day: good when the daily AQI <= 100;
//   - some missing, but the items present already give an IAQI > 100 -> a valid day that is not
//     good (it cannot become good whatever the missing items were; the same reasoning as HJ
//     633-2026 5.3, which publishes such an AQI and only such an AQI [P]);
//   - otherwise -> not a valid day: neither good nor in the denominator.
// The 2012 daily AQI's extra O3 daily max 1-h value is not needed for a day to be valid (it is
// derived from the same hours as the O3 8-h item and only ever raises the AQI).
// Before this rule a day with only one valid item (e.g. O3 8-h from 19 hours) counted as good.
#pragma once

#include <cstdint>

#include "standards/aqi.h"

namespace skyriver::standards {

enum class DayStatus : std::uint8_t { invalid, good, not_good };

// `aqi` is daily_aqi() of `values` (either edition).
DayStatus day_status(const DailyInput& values, const AqiResult& aqi);

}  // namespace skyriver::standards
