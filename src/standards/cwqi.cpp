#include "standards/cwqi.h"

#include "core/error.h"

namespace skyriver::standards {

std::optional<double> cwqi_item(std::string_view code, double value, WaterBody body) {
  item_class(code, value, body);  // validates the code and the value
  if (!is_class_item(code)) return std::nullopt;
  if (code == "ph") return value <= 7 ? (7.0 - value) / (7.0 - 6.0) : (value - 7.0) / (9.0 - 7.0);
  const WaterItem& item = *find_item(code);
  const double cs = *class_limit(item, WaterClass::III, body);
  if (code == "do") {
    if (value <= 0) throw core::Error("item do", "CWQI needs a positive dissolved oxygen");
    return cs / value;
  }
  return value / cs;
}

Cwqi cwqi(const Concentrations& values, WaterBody body) {
  for (const auto& [code, v] : values)
    if (!is_water_parameter(code))
      throw core::Error("item " + code, "not a surface-water parameter");
  Cwqi out;
  for (const auto& item : table1()) {
    auto it = values.find(std::string(item.code));
    if (it == values.end()) continue;
    if (auto c = cwqi_item(item.code, it->second, body)) {
      out.items.emplace_back(std::string(item.code), *c);
      out.total += *c;
    }
  }
  if (out.items.empty()) throw core::Error("cwqi", "none of the 21 CWQI items was given");
  return out;
}

double cwqi_city(double river, int n_river, double lake, int n_lake) {
  if (n_river < 0 || n_lake < 0 || n_river + n_lake == 0)
    throw core::Error("cwqi city", "needs at least one river section or lake point");
  return (river * n_river + lake * n_lake) / (n_river + n_lake);
}

}  // namespace skyriver::standards
