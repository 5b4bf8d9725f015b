#include "standards/air_limits.h"

#include <array>

namespace skyriver::standards {

LimitSet limit_set_for(core::Date d) {
  if (d < core::Date{2026, 3, 1}) return LimitSet::gb2012;
  return d < kGb3095FinalStart ? LimitSet::gb2026_transitional : LimitSet::gb2026_final;
}

namespace {
constexpr double N = -1;  // no limit for this averaging time
struct Row {
  LimitItem item;
  Averaging avg;
  std::array<double, 6> v;  // 2012 c1,c2 | 2026 transitional c1,c2 | 2026 final c1,c2
};
// GB 3095-2012 Table 1/2; GB 3095-2026 Table 1/2 (REFERENCE.md 2.2, 2.3).
constexpr Row kRows[] = {
    {LimitItem::so2, Averaging::annual, {20, 60, 20, 60, 20, 20}},
    {LimitItem::so2, Averaging::day, {50, 150, 50, 150, 50, 50}},
    {LimitItem::so2, Averaging::hour, {150, 500, 150, 500, 150, 150}},
    {LimitItem::no2, Averaging::annual, {40, 40, 40, 40, 30, 30}},
    {LimitItem::no2, Averaging::day, {80, 80, 80, 80, 50, 50}},
    {LimitItem::no2, Averaging::hour, {200, 200, 200, 200, 200, 200}},
    {LimitItem::co, Averaging::day, {4, 4, 4, 4, 4, 4}},
    {LimitItem::co, Averaging::hour, {10, 10, 10, 10, 10, 10}},
    {LimitItem::o3, Averaging::max8h, {100, 160, 100, 160, 100, 160}},
    {LimitItem::o3, Averaging::hour, {160, 200, 160, 200, 160, 200}},
    {LimitItem::pm10, Averaging::annual, {40, 70, 40, 60, 20, 50}},
    {LimitItem::pm10, Averaging::day, {50, 150, 50, 120, 50, 100}},
    {LimitItem::pm25, Averaging::annual, {15, 35, 15, 30, 10, 25}},
    {LimitItem::pm25, Averaging::day, {35, 75, 35, 60, 25, 50}},
    {LimitItem::tsp, Averaging::annual, {80, 200, 80, 200, 80, 200}},
    {LimitItem::tsp, Averaging::day, {120, 300, 120, 300, 120, 300}},
    {LimitItem::nox, Averaging::annual, {50, 50, 50, 50, 40, 40}},
    {LimitItem::nox, Averaging::day, {100, 100, 100, 100, 70, 70}},
    {LimitItem::nox, Averaging::hour, {250, 250, 250, 250, 250, 250}},
    {LimitItem::pb, Averaging::annual, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}},
    {LimitItem::pb, Averaging::quarterly, {1, 1, 1, 1, 1, 1}},
    {LimitItem::bap, Averaging::annual, {0.001, 0.001, 0.001, 0.001, 0.001, 0.001}},
    {LimitItem::bap, Averaging::day, {0.0025, 0.0025, 0.0025, 0.0025, 0.0025, 0.0025}},
};
}  // namespace

std::optional<double> limit(LimitSet set, ZoneClass zone, LimitItem item, Averaging avg) {
  for (const Row& r : kRows)
    if (r.item == item && r.avg == avg) {
      const double v = r.v[unsigned(set) * 2 + (zone == ZoneClass::class1 ? 0 : 1)];
      return v == N ? std::nullopt : std::optional<double>(v);
    }
  return std::nullopt;
}

int min_days_for_month(int month) { return month == 2 ? kMinDaysPerFebruary : kMinDaysPerMonth; }
bool day_valid(int valid_hours) { return valid_hours >= kMinHoursPerDay; }
bool window8h_valid(int valid_hours) { return valid_hours >= kMinHoursPer8h; }
bool month_valid(int month, int valid_days) { return valid_days >= min_days_for_month(month); }

bool year_valid(int valid_days_in_year, const int valid_days_per_month[12]) {
  if (valid_days_in_year < kMinDaysPerYear) return false;
  for (int m = 1; m <= 12; ++m)
    if (!month_valid(m, valid_days_per_month[m - 1])) return false;
  return true;
}

}  // namespace skyriver::standards
