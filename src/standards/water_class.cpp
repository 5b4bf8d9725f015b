#include "standards/water_class.h"

#include "core/error.h"

#include <cmath>
#include <string>

namespace skyriver::standards {

namespace {

using L = std::array<double, 5>;
// GB 3838-2002 Table 1 (REFERENCE.md §6). pH and wtemp carry no concentration limits.
const WaterItem kTable1[] = {
    {"wtemp", "水温", "°C", false, {}, std::nullopt, false},
    {"ph", "pH值", "", false, {}, std::nullopt, false},
    {"do", "溶解氧", "mg/L", true, L{7.5, 6, 5, 3, 2}, std::nullopt, false},
    {"codmn", "高锰酸盐指数", "mg/L", false, L{2, 4, 6, 10, 15}, std::nullopt, false},
    {"cod", "化学需氧量", "mg/L", false, L{15, 15, 20, 30, 40}, std::nullopt, false},
    {"bod5", "五日生化需氧量", "mg/L", false, L{3, 3, 4, 6, 10}, std::nullopt, false},
    {"nh3n", "氨氮", "mg/L", false, L{0.15, 0.5, 1.0, 1.5, 2.0}, std::nullopt, false},
    {"tp", "总磷", "mg/L", false, L{0.02, 0.1, 0.2, 0.3, 0.4}, L{0.01, 0.025, 0.05, 0.1, 0.2},
     false},
    {"tn", "总氮", "mg/L", false, L{0.2, 0.5, 1.0, 1.5, 2.0}, std::nullopt, false},
    {"cu", "铜", "mg/L", false, L{0.01, 1.0, 1.0, 1.0, 1.0}, std::nullopt, true},
    {"zn", "锌", "mg/L", false, L{0.05, 1.0, 1.0, 2.0, 2.0}, std::nullopt, true},
    {"fluoride", "氟化物", "mg/L", false, L{1.0, 1.0, 1.0, 1.5, 1.5}, std::nullopt, false},
    {"se", "硒", "mg/L", false, L{0.01, 0.01, 0.01, 0.02, 0.02}, std::nullopt, true},
    {"as", "砷", "mg/L", false, L{0.05, 0.05, 0.05, 0.1, 0.1}, std::nullopt, true},
    {"hg", "汞", "mg/L", false, L{0.00005, 0.00005, 0.0001, 0.001, 0.001}, std::nullopt, true},
    {"cd", "镉", "mg/L", false, L{0.001, 0.005, 0.005, 0.005, 0.01}, std::nullopt, true},
    {"cr6", "铬(六价)", "mg/L", false, L{0.01, 0.05, 0.05, 0.05, 0.1}, std::nullopt, true},
    {"pb", "铅", "mg/L", false, L{0.01, 0.01, 0.05, 0.05, 0.1}, std::nullopt, true},
    {"cyanide", "氰化物", "mg/L", false, L{0.005, 0.05, 0.2, 0.2, 0.2}, std::nullopt, true},
    {"phenol", "挥发酚", "mg/L", false, L{0.002, 0.002, 0.005, 0.01, 0.1}, std::nullopt, false},
    {"petroleum", "石油类", "mg/L", false, L{0.05, 0.05, 0.05, 0.5, 1.0}, std::nullopt, false},
    {"las", "阴离子表面活性剂", "mg/L", false, L{0.2, 0.2, 0.2, 0.3, 0.3}, std::nullopt, false},
    {"sulfide", "硫化物", "mg/L", false, L{0.05, 0.1, 0.2, 0.5, 1.0}, std::nullopt, false},
    {"fcoli", "粪大肠菌群", "个/L", false, L{200, 2000, 10000, 20000, 40000}, std::nullopt, false},
};

}  // namespace

std::string_view class_name(WaterClass c) {
  switch (c) {
    case WaterClass::I: return "I";
    case WaterClass::II: return "II";
    case WaterClass::III: return "III";
    case WaterClass::IV: return "IV";
    case WaterClass::V: return "V";
    case WaterClass::WorseV: return "劣V";
  }
  return "?";
}

std::optional<WaterClass> parse_class(std::string_view s) {
  static const std::pair<std::string_view, WaterClass> names[] = {
      {"I", WaterClass::I},       {"II", WaterClass::II},     {"III", WaterClass::III},
      {"IV", WaterClass::IV},     {"V", WaterClass::V},       {"劣V", WaterClass::WorseV},
      {"Ⅰ", WaterClass::I},       {"Ⅱ", WaterClass::II},      {"Ⅲ", WaterClass::III},
      {"Ⅳ", WaterClass::IV},      {"Ⅴ", WaterClass::V},       {"劣Ⅴ", WaterClass::WorseV},
      {"worse_v", WaterClass::WorseV}, {"VI", WaterClass::WorseV}, {"1", WaterClass::I},
      {"2", WaterClass::II},      {"3", WaterClass::III},     {"4", WaterClass::IV},
      {"5", WaterClass::V},       {"6", WaterClass::WorseV}};
  for (const auto& [n, c] : names)
    if (s == n) return c;
  return std::nullopt;
}

std::span<const WaterItem> table1() { return kTable1; }

const WaterItem* find_item(std::string_view code) {
  for (const auto& item : kTable1)
    if (item.code == code) return &item;
  return nullptr;
}

std::optional<double> class_limit(const WaterItem& item, WaterClass c, WaterBody body) {
  if (item.code == "wtemp" || item.code == "ph" || c == WaterClass::WorseV) return std::nullopt;
  const L& limits = (body == WaterBody::Lake && item.lake_limits) ? *item.lake_limits : item.limits;
  return limits[rank(c) - 1];
}

std::optional<WaterClass> item_class(std::string_view code, double value, WaterBody body) {
  const WaterItem* item = find_item(code);
  const std::string where = "item " + std::string(code);
  if (!item) throw core::Error(where, "not a GB 3838-2002 Table 1 item");
  if (!std::isfinite(value)) throw core::Error(where, "value is not a finite number");
  if (item->code == "wtemp") return std::nullopt;
  if (value < 0) throw core::Error(where, "negative value " + std::to_string(value));
  if (item->code == "tn" && body == WaterBody::River) return std::nullopt;  // 湖、库 only
  if (item->code == "ph") {
    if (value > 14) throw core::Error(where, "pH " + std::to_string(value) + " is outside 0-14");
    return (value >= 6 && value <= 9) ? WaterClass::I : WaterClass::WorseV;
  }
  for (int k = 1; k <= 5; ++k) {
    const auto c = static_cast<WaterClass>(k);
    const double limit = *class_limit(*item, c, body);
    // A relative 1e-9 absorbs the binary rounding of a mean (0.1+0.2+0.3)/3 that is 0.2 in
    // decimal; it is far below any reported precision.
    const double slack = limit * 1e-9;
    if (item->at_least ? value >= limit - slack : value <= limit + slack) return c;
  }
  return WaterClass::WorseV;
}

}  // namespace skyriver::standards
