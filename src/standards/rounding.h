// Rounding rules of the air standards.
//
// round_half_even: GB/T 8170 "四舍六入五成双" at a given number of decimals. A value within 1e-9
// (relative to the scaled value) of an exact ...5 counts as exactly half, so that decimal inputs
// such as 0.25 or 2.45 that binary doubles cannot hold exactly still round as written.
// report_precision: concentrations are reported as integer ug/m3, CO with one decimal in mg/m3
// (HJ 633-2026 4.2.2-4.2.3, HJ 663 reporting precision).
//
// round_half_even is inline and uses neither pow nor fmod (the 2026 AQI rounds every input, so
// it sits on the hot path): powers of ten come from a table of exact doubles and the floor and
// parity from an integer conversion; values whose scaled magnitude reaches 2^52 (already whole
// numbers) take the general path. Same results as the pow/floor/fmod formulation, bit for bit
// (tests/standards/rounding_test.cpp checks both over the conformance inputs and at random).
#pragma once

#include "standards/edition.h"

#include <cmath>
#include <cstdint>

namespace skyriver::standards {

namespace detail {
inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
double round_half_even_general(double x, int decimals);  // the pow/floor/fmod formulation
}  // namespace detail

inline double round_half_even(double x, int decimals) {
  // Whole numbers at 0 decimals (most reported concentrations) come back unchanged, as the
  // general form gives them while its tolerance 1e-9*|x| stays below one half.
  if (decimals == 0) {
    const double y = std::fabs(x);
    if (y < 5e8 && static_cast<double>(static_cast<std::int64_t>(y)) == y) return x;
  }
  if (!std::isfinite(x) || decimals < 0 || decimals > 22) return detail::round_half_even_general(x, decimals);
  const double scale = detail::kPow10[decimals];  // exact: 10^k is a double for k <= 22
  const double y = std::fabs(x) * scale;
  if (!(y < 0x1p52)) return detail::round_half_even_general(x, decimals);
  const auto f = static_cast<std::int64_t>(y);  // floor, y >= 0
  const double frac = y - static_cast<double>(f);
  const double tol = 1e-9 * (y > 1 ? y : 1);
  std::int64_t r;
  if (std::fabs(frac - 0.5) <= tol)
    r = (f & 1) ? f + 1 : f;  // exactly half: to the even neighbour
  else
    r = frac < 0.5 ? f : f + 1;
  const double q = decimals == 0 ? static_cast<double>(r) : static_cast<double>(r) / scale;  // x/1 == x
  return std::copysign(q, x);
}

inline int report_decimals(Pollutant p) { return p == Pollutant::co ? 1 : 0; }
inline double round_report(Pollutant p, double x) { return round_half_even(x, report_decimals(p)); }  // NaN stays NaN

}  // namespace skyriver::standards
