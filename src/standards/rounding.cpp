#include "standards/rounding.h"

#include <cmath>

namespace skyriver::standards {

double round_half_even(double x, int decimals) {
  if (!std::isfinite(x)) return x;
  const double scale = std::pow(10.0, decimals);
  const double y = std::fabs(x) * scale;
  const double f = std::floor(y);
  const double frac = y - f;
  const double tol = 1e-9 * (y > 1 ? y : 1);
  double r;
  if (std::fabs(frac - 0.5) <= tol)
    r = std::fmod(f, 2.0) == 0 ? f : f + 1;  // exactly half: to the even neighbour
  else
    r = frac < 0.5 ? f : f + 1;
  return std::copysign(r / scale, x);
}

int report_decimals(Pollutant p) { return p == Pollutant::co ? 1 : 0; }

double round_report(Pollutant p, double x) { return round_half_even(x, report_decimals(p)); }

}  // namespace skyriver::standards
