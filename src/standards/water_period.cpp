#include "standards/water_period.h"

#include <fmt/format.h>

namespace skyriver::standards {

CityWater evaluate_period(std::span<const SectionInput> sections, int min_samples,
                          const EvaluationRules& rules) {
  CityWater city;
  std::map<std::pair<std::string, int>, std::vector<Concentrations>> groups;  // (river, body)
  std::vector<Concentrations> river_means, lake_means;
  int good = 0, bad = 0;
  for (const auto& in : sections) {
    SectionPeriod sp{in.id, in.name, in.river, in.body, {}, {}, std::nullopt, std::nullopt, {}};
    for (const auto& [code, ms] : in.samples) {
      sp.counts[code] = static_cast<int>(ms.size());
      if (static_cast<int>(ms.size()) >= min_samples && !ms.empty()) sp.means[code] = *period_mean(ms, rules);
    }
    bool any_class_item = false;
    for (const auto& [code, v] : sp.means) any_class_item |= is_class_item(code);
    if (!any_class_item) {
      sp.excluded = fmt::format("none of the 21 evaluated items has {} sample{} in the period", min_samples,
                                min_samples > 1 ? "s" : "");
      city.sections.push_back(std::move(sp));
      continue;
    }
    sp.eval = evaluate_section(sp.means, in.body, in.target, rules);
    sp.cwqi = cwqi(sp.means, in.body);
    ++city.evaluated;
    if (rank(sp.eval->cls) <= rank(WaterClass::III)) ++good;
    if (sp.eval->cls == WaterClass::WorseV) ++bad;
    groups[{in.river, static_cast<int>(in.body)}].push_back(sp.means);
    (in.body == WaterBody::Lake ? lake_means : river_means).push_back(sp.means);
    city.sections.push_back(std::move(sp));
  }
  for (const auto& [key, means] : groups) {
    const auto body = static_cast<WaterBody>(key.second);
    city.rivers.push_back({key.first, body, evaluate_river(means, body, rules), cwqi(mean_across(means), body)});
  }
  if (city.evaluated) {
    city.share_i_iii = static_cast<double>(good) / city.evaluated;
    city.share_worse_v = static_cast<double>(bad) / city.evaluated;
  }
  city.n_river = static_cast<int>(river_means.size());
  city.n_lake = static_cast<int>(lake_means.size());
  if (city.n_river) city.cwqi_river = cwqi(mean_across(river_means), WaterBody::River).total;
  if (city.n_lake) city.cwqi_lake = cwqi(mean_across(lake_means), WaterBody::Lake).total;
  if (city.n_river + city.n_lake)
    city.cwqi_city = cwqi_city(city.cwqi_river.value_or(0), city.n_river, city.cwqi_lake.value_or(0), city.n_lake);
  return city;
}

}  // namespace skyriver::standards
