// The figure of a target indicator in a period summary (standards::PeriodSummary): which C_i,
// the composite index, the good-day ratio or the heavy-pollution days, and whether it reaches
// its data minimum (the composite: all six C_i; the day counts: the valid days). Water
// indicators are not in an air summary: NaN, incomplete.
#pragma once

#include "assess/targets.h"
#include "standards/composite.h"

namespace skyriver::assess {

struct Figure {
  double value = standards::kMissing;  // NaN: no figure
  bool complete = false;               // reaches the data minimum
  int days = 0;                        // daily values behind it (valid days for the day counts)
  int required = 0;                    // the period's data minimum in days
  unsigned short_months = 0;           // months below their minimum (standards::Coverage)
};

Figure air_figure(const standards::PeriodSummary& s, const Indicator& ind);

}  // namespace skyriver::assess
