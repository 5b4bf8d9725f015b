// GB 3838-2002 Table 1: the class (I..V, worse than V) of one surface-water item.
//
// Contract: item codes are the platform codes (wtemp ph do codmn cod bod5 nh3n tp tn cu zn
// fluoride se as hg cd cr6 pb cyanide phenol petroleum las sulfide fcoli), values in the stored
// units (mg/L; fcoli 个/L; pH none). A value equal to a limit belongs to the better class
// (limits are inclusive). DO is "≥", every other item "≤". pH within 6-9 meets every class (I),
// outside it is 劣V. TP has separate river and lake/reservoir limits. Water temperature has no
// class (its limit is a man-made change, not a concentration). Pure functions, no state.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace skyriver::standards {

enum class WaterClass { I = 1, II, III, IV, V, WorseV };
enum class WaterBody { River, Lake };  // Lake = lake or reservoir (湖、库)

// "I" "II" "III" "IV" "V" "劣V".
std::string_view class_name(WaterClass c);
// Accepts I..V, 劣V (also Ⅰ..Ⅴ, 劣Ⅴ, "worse_v", "VI" and 1..6). nullopt otherwise.
std::optional<WaterClass> parse_class(std::string_view s);
inline int rank(WaterClass c) { return static_cast<int>(c); }  // 1 (best) .. 6 (劣V)

struct WaterItem {
  std::string_view code;     // platform code
  std::string_view name_zh;  // 高锰酸盐指数
  std::string_view unit;     // mg/L, 个/L, "" (pH), °C
  bool at_least = false;     // DO: the value must be >= the limit
  std::array<double, 5> limits{};       // classes I..V (rivers)
  std::optional<std::array<double, 5>> lake_limits;  // TP in lakes/reservoirs
  bool heavy_metal_or_cyanide = false;  // priority as a main pollutant (评价办法)
};

// The 24 rows of Table 1 in the standard's order.
std::span<const WaterItem> table1();
const WaterItem* find_item(std::string_view code);  // nullptr if not a Table 1 item

// The limit of `c` (I..V) for `item` in `body`. nullopt for wtemp, pH and c = 劣V.
std::optional<double> class_limit(const WaterItem& item, WaterClass c, WaterBody body);

// Class of one value. nullopt for water temperature (no class) and TN in a river (TN limits
// apply to lakes and reservoirs only). Throws core::Error("item X",
// ...) for an unknown code or a non-finite / negative concentration.
std::optional<WaterClass> item_class(std::string_view code, double value, WaterBody body);

}  // namespace skyriver::standards
