// Time in skyriver: one instant type (seconds since 1970-01-01T00:00:00 UTC) and Beijing
// civil time (UTC+8, no daylight saving) for every day, month, year and hour label.
//
// Hour convention inside the platform: an hourly value is keyed by the instant its hour
// *starts* (as HJ 212 does for CN 2061: DataTime = start of the period). Sources that label
// an hour by its end (CNEMC files, our stats CSV: "01:00" = mean of 00:00-01:00) convert at
// the edge with hour_ending_to_start(). A natural day D holds the 24 hours that start at
// D 00:00 ... D 23:00 Beijing time.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skyriver::core {

using Instant = std::int64_t;  // seconds since the Unix epoch, UTC
inline constexpr Instant kHour = 3600;
inline constexpr Instant kDay = 86400;
inline constexpr Instant kBeijingOffset = 8 * kHour;

struct Date {
  int year = 1970, month = 1, day = 1;
  auto operator<=>(const Date&) const = default;
};

struct CivilTime {  // a wall-clock reading in Beijing time
  Date date;
  int hour = 0, minute = 0, second = 0;
  auto operator<=>(const CivilTime&) const = default;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
int days_in_year(int year);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t days_from_civil(Date d);
Date civil_from_days(std::int64_t days);
Date add_days(Date d, std::int64_t n);
int day_of_year(Date d);  // 1..366

CivilTime to_beijing(Instant t);
Instant from_beijing(const CivilTime& c);
Instant beijing_midnight(Date d);  // instant of D 00:00 Beijing time
Date beijing_date(Instant t);

// An hour labelled by its end (label H on date D means (H-1, H]) -> instant its hour starts.
// Label 24 is accepted as the end of day D (= D+1 00:00).
Instant hour_ending_to_start(Date d, int label_hour);

// Parsing is strict: the whole text must match; nullopt otherwise.
std::optional<Date> parse_date(std::string_view s);          // YYYY-MM-DD or YYYYMMDD
std::optional<CivilTime> parse_civil(std::string_view s);    // "YYYY-MM-DD HH:MM[:SS]", 'T' allowed, or YYYYMMDDhhmmss
std::string format_date(Date d);                             // YYYY-MM-DD
std::string format_civil(const CivilTime& c);                // YYYY-MM-DD HH:MM:SS
std::string format_beijing(Instant t);                       // YYYY-MM-DD HH:MM:SS (+08:00 implied)
std::string format_iso(Instant t);                           // YYYY-MM-DDTHH:MM:SS+08:00

}  // namespace skyriver::core
