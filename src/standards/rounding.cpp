#include "standards/rounding.h"

namespace skyriver::standards {

double detail::round_half_even_general(double x, int decimals) {
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

}  // namespace skyriver::standards
