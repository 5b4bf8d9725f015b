#include "standards/data_minimum.h"

#include <cmath>

#include "standards/air_limits.h"

namespace skyriver::standards {

int month_part_minimum(int year, int month, int covered) {
  const int dim = core::days_in_month(year, month);
  // Integer ceil(covered * min / dim): exact, no floating point.
  return (covered * min_days_for_month(month) + dim - 1) / dim;
}

Coverage coverage(core::Date first, std::span<const double> daily) {
  Coverage c;
  c.days = int(daily.size());
  c.complete = !daily.empty();
  core::Date d = first;
  std::size_t i = 0;
  while (i < daily.size()) {
    // One calendar year part: its month parts, then the whole-year rule.
    const int year = d.year;
    const bool whole_year = d.month == 1 && d.day == 1 && daily.size() - i >= std::size_t(core::days_in_year(year));
    int year_valid_days = 0;
    while (i < daily.size() && d.year == year) {
      const int month = d.month;
      int covered = 0, valid = 0;
      while (i < daily.size() && d.month == month && d.year == year) {
        ++covered;
        if (!std::isnan(daily[i])) ++valid;
        ++i;
        d = core::add_days(d, 1);
      }
      const int need = month_part_minimum(year, month, covered);
      c.required += need;
      c.valid += valid;
      year_valid_days += valid;
      if (valid < need) {
        c.complete = false;
        c.short_months |= 1u << (month - 1);
      }
    }
    if (whole_year) {
      // 11 months at 27 + February 25 = 322 < 324: the year rule adds 2 to what is shown.
      const int month_sum = kMinDaysPerMonth * 11 + kMinDaysPerFebruary;
      c.required += kMinDaysPerYear - month_sum;
      if (year_valid_days < kMinDaysPerYear) c.complete = false;
    }
  }
  return c;
}

}  // namespace skyriver::standards
