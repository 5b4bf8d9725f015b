// Rounding rules of the air standards.
//
// round_half_even: GB/T 8170 "四舍六入五成双" at a given number of decimals. A value within 1e-9
// (relative to the scaled value) of an exact ...5 counts as exactly half, so that decimal inputs
// such as 0.25 or 2.45 that binary doubles cannot hold exactly still round as written.
// report_precision: concentrations are reported as integer ug/m3, CO with one decimal in mg/m3
// (HJ 633-2026 4.2.2-4.2.3, HJ 663 reporting precision).
#pragma once

#include "standards/edition.h"

namespace skyriver::standards {

double round_half_even(double x, int decimals);
int report_decimals(Pollutant p);  // 1 for co, 0 otherwise
double round_report(Pollutant p, double x);  // NaN stays NaN

}  // namespace skyriver::standards
