// The data minimum of a calendar period: how many valid daily values a period statistic needs
// before it counts as complete (GB 3095 Table 4; HJ 663-2013 6.x applies the same minima to the
// percentiles of CO and O3 [U: clause from the known text, not re-read here]).
//
// Whole periods, exactly as the standard: a month >= 27 valid days (February >= 25); a calendar
// year >= 324 AND every month its own minimum. Parts of periods (month-to-date, year-to-date,
// any [from, to)), our choice, proportional so that whole months give the standard's number:
// each calendar month the period touches needs ceil(covered_days x month_minimum /
// days_in_month) valid days (31 days of July -> 27; 10 days of July -> ceil(8.71) = 9); a period
// covering a whole calendar year also needs 324 in that year. A statistic below its minimum is
// still computed and shown, marked incomplete, and never ranked (see composite.h).
//
// Pure function, no allocation.
#pragma once

#include <span>

#include "core/time.h"

namespace skyriver::standards {

struct Coverage {
  int days = 0;       // calendar days of the period
  int valid = 0;      // days with a valid value
  int required = 0;   // sum of the months' (and whole years') minima: the number to show
  bool complete = false;  // every month part (and whole year) meets its minimum
  // Months whose part falls short of its minimum: bit (month - 1); a period over several years
  // folds them onto the same twelve bits (the notes of a document name the months).
  unsigned short_months = 0;
};

// daily[i] is the value of day first + i (NaN = no valid value).
Coverage coverage(core::Date first, std::span<const double> daily);

// The minimum for `covered` days of one calendar month (the whole month: 27, February 25).
int month_part_minimum(int year, int month, int covered);

}  // namespace skyriver::standards
