// The national surface-water real-time release (国家地表水水质自动监测实时数据发布系统, CNEMC):
// how its published class follows from its published values, so that the platform's own class
// can be checked against it (docs/water.md, "The national real-time release").
//
// Contract (found in the release itself, 4 captures of November 2025, 6,293 classed rows: every
// one is reproduced; tests/water/cnemc_water_release_test.cpp):
// - Reporting precision: the displayed value is the unrounded value (the page's 原始值) rounded
//   half-even (GB/T 8170 四舍六入五成双) to pH 0, DO 1, CODMn 1, NH3-N 2, TP 3, TN 2 decimals
//   (also water temperature, conductivity, turbidity 1). The class is taken on the displayed
//   values: release_decimals() / at_release_precision().
// - Items: pH, DO, CODMn, NH3-N, TP (GB 3838 Table 1); TN is shown but never in the class, for
//   rivers and lakes alike. The class is the worst item class; nullopt when one is missing.
// - Water body: lake/reservoir limits (TP) apply when the release's river column names a lake or
//   reservoir (ends in 湖 水库 池 海 淀: 太湖, 密云水库, 滇池, 洱海, 白洋淀); a station on a
//   river at a dam (桑干河 册田水库出口) is classed as a river. release_water_body().
// Pure functions, no state.
#pragma once

#include "standards/water_class.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace skyriver::standards {

// The five items of the national automatic assessment, in the release's order.
inline constexpr std::string_view kReleaseItems[] = {"ph", "do", "codmn", "nh3n", "tp"};

// Decimals the release shows for a platform code; nullopt for codes it does not round here.
std::optional<int> release_decimals(std::string_view code);

// `value` as the release displays it (unchanged when the code has no release precision).
double at_release_precision(std::string_view code, double value);

// The water body the release assesses a station as, from its river column.
WaterBody release_water_body(std::string_view river_column);

// The release's class from unrounded values (code -> value, stored units): each of the five
// items at the release precision, classed per GB 3838 for `body`, worst wins. nullopt when any
// of the five is missing.
std::optional<WaterClass> release_class(const std::map<std::string, double>& values, WaterBody body);

}  // namespace skyriver::standards
