// City surface-water quality index CWQI (城市地表水环境质量排名技术规定（试行）,
// 环办监测〔2017〕51号; REFERENCE.md §8).
//
// Contract: item indices over the 21 GB 3838 items (not wtemp, TN, faecal coliforms):
// general item C / C_III (lake TP limit for lakes and reservoirs), DO 5 / C, pH (7 - pH) / 1 for
// pH <= 7 and (pH - 7) / 2 above. A section's, river's or lake group's CWQI is the sum of the
// item indices of its (mean) concentrations; the city's is the section-count-weighted mean of
// the river and lake values. Aggregation rules are [U] in the digest (docs/water.md).
#pragma once

#include "standards/water_class.h"
#include "standards/water_eval.h"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace skyriver::standards {

// nullopt for items outside the 21; throws core::Error("item X", ...) for unknown codes, negative
// values or DO = 0.
std::optional<double> cwqi_item(std::string_view code, double value, WaterBody body);

struct Cwqi {
  double total = 0;
  std::vector<std::pair<std::string, double>> items;  // Table 1 order, the items that counted
};
// One section (its period means), or a river / lake group: pass mean_across(its sections).
Cwqi cwqi(const Concentrations& values, WaterBody body);

// City: (CWQI_river * n_river + CWQI_lake * n_lake) / (n_river + n_lake).
double cwqi_city(double river, int n_river, double lake, int n_lake);

}  // namespace skyriver::standards
