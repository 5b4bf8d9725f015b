#include "standards/water_release.h"

#include "standards/rounding.h"

#include <array>
#include <utility>

namespace skyriver::standards {

std::optional<int> release_decimals(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, int>, 9> k{{{"ph", 0},
                                                                      {"do", 1},
                                                                      {"codmn", 1},
                                                                      {"nh3n", 2},
                                                                      {"tp", 3},
                                                                      {"tn", 2},
                                                                      {"wtemp", 1},
                                                                      {"cond", 1},
                                                                      {"turb", 1}}};
  for (const auto& [c, d] : k)
    if (c == code) return d;
  return std::nullopt;
}

double at_release_precision(std::string_view code, double value) {
  const auto d = release_decimals(code);
  return d ? round_half_even(value, *d) : value;
}

WaterBody release_water_body(std::string_view river) {
  for (std::string_view suffix : {"湖", "水库", "池", "海", "淀"})
    if (river.size() >= suffix.size() && river.substr(river.size() - suffix.size()) == suffix)
      return WaterBody::Lake;
  return WaterBody::River;
}

std::optional<WaterClass> release_class(const std::map<std::string, double>& values, WaterBody body) {
  std::optional<WaterClass> worst;
  for (std::string_view code : kReleaseItems) {
    auto it = values.find(std::string(code));
    if (it == values.end()) return std::nullopt;
    const auto c = item_class(code, at_release_precision(code, it->second), body);
    if (!c) return std::nullopt;  // not reached: all five have a class
    if (!worst || rank(*c) > rank(*worst)) worst = c;
  }
  return worst;
}

}  // namespace skyriver::standards
