#include "core/time.h"

#include <charconv>
#include <cstdio>

namespace skyriver::core {

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

int days_in_year(int y) { return is_leap_year(y) ? 366 : 365; }

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
std::int64_t days_from_civil(Date d) {
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

Date add_days(Date d, std::int64_t n) { return civil_from_days(days_from_civil(d) + n); }

int day_of_year(Date d) {
  return static_cast<int>(days_from_civil(d) - days_from_civil(Date{d.year, 1, 1})) + 1;
}

static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

CivilTime to_beijing(Instant t) {
  const Instant local = t + kBeijingOffset;
  const std::int64_t days = floor_div(local, kDay);
  const std::int64_t secs = local - days * kDay;
  return CivilTime{civil_from_days(days), static_cast<int>(secs / 3600),
                   static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60)};
}

Instant from_beijing(const CivilTime& c) {
  return days_from_civil(c.date) * kDay + c.hour * kHour + c.minute * 60 + c.second -
         kBeijingOffset;
}

Instant beijing_midnight(Date d) { return from_beijing(CivilTime{d, 0, 0, 0}); }

Date beijing_date(Instant t) { return to_beijing(t).date; }

Instant hour_ending_to_start(Date d, int label_hour) {
  return beijing_midnight(d) + (label_hour - 1) * kHour;
}

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}
bool valid(const Date& d) {
  return d.year >= 1900 && d.year <= 2200 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}
}  // namespace

std::optional<Date> parse_date(std::string_view s) {
  Date d;
  bool ok = false;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-')
    ok = digits(s, 0, 4, d.year) && digits(s, 5, 2, d.month) && digits(s, 8, 2, d.day);
  else if (s.size() == 8)
    ok = digits(s, 0, 4, d.year) && digits(s, 4, 2, d.month) && digits(s, 6, 2, d.day);
  if (!ok || !valid(d)) return std::nullopt;
  return d;
}

std::optional<CivilTime> parse_civil(std::string_view s) {
  CivilTime c;
  bool ok = false;
  if (s.size() == 14) {  // YYYYMMDDhhmmss
    ok = digits(s, 0, 4, c.date.year) && digits(s, 4, 2, c.date.month) &&
         digits(s, 6, 2, c.date.day) && digits(s, 8, 2, c.hour) && digits(s, 10, 2, c.minute) &&
         digits(s, 12, 2, c.second);
  } else if ((s.size() == 16 || s.size() == 19) && (s[10] == ' ' || s[10] == 'T') &&
             s[13] == ':') {
    auto d = parse_date(s.substr(0, 10));
    ok = d && digits(s, 11, 2, c.hour) && digits(s, 14, 2, c.minute);
    if (ok) c.date = *d;
    if (ok && s.size() == 19) ok = s[16] == ':' && digits(s, 17, 2, c.second);
  }
  // Hour 24:00:00 is accepted as the end of the day (hour-ending labels use it).
  if (!ok || !valid(c.date) || c.minute > 59 || c.second > 59) return std::nullopt;
  if (c.hour > 24 || (c.hour == 24 && (c.minute || c.second))) return std::nullopt;
  if (c.hour == 24) {
    c.date = add_days(c.date, 1);
    c.hour = 0;
  }
  return c;
}

std::string format_date(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_civil(const CivilTime& c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", c.date.year, c.date.month,
                c.date.day, c.hour, c.minute, c.second);
  return buf;
}

std::string format_beijing(Instant t) { return format_civil(to_beijing(t)); }

std::string format_iso(Instant t) {
  std::string s = format_beijing(t);
  s[10] = 'T';
  return s + "+08:00";
}

}  // namespace skyriver::core
