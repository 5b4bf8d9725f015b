// The evaluation rules that REFERENCE.md §7 marks unconfirmed ([U]: 地表水环境质量评价办法 was not
// found in primary text), held as configuration with the digest's values as defaults. A city may
// override them in config/<city>/water.toml, table [evaluation] (keys as the members below; read by
// assess/water_rules_file.h, so that this layer stays free of I/O);
// docs/water.md lists them.
#pragma once

#include <string>

namespace skyriver::standards {

enum class MainPollutantOrder {
  ClassThenMultiple,  // worst class first, then larger multiple (our reading of the 办法; default)
  Multiple,           // larger exceedance multiple only (the digest's wording)
};

struct EvaluationRules {
  // Sections.
  MainPollutantOrder main_order = MainPollutantOrder::ClassThenMultiple;
  bool metals_first = true;      // cyanide and heavy metals exceeding III come first
  int max_main_pollutants = 3;
  double below_detection_factor = 0.5;  // a value below the detection limit counts as this x DL
  // Rivers / basins: by shares when sections >= min_sections_for_shares, else by means.
  int min_sections_for_shares = 5;
  double excellent_i_iii = 0.90;  // I-III share >= this: 优
  double good_i_iii = 0.75;       // >= this: 良好
  double light_worse_v = 0.20;    // below good: 劣V share < this: 轻度污染
  double moderate_worse_v = 0.40; // < this: 中度污染, else 重度污染
  // TLI trophic states: < oligo 贫营养; <= meso 中营养; <= light 轻度; <= moderate 中度; else 重度.
  double tli_oligo = 30, tli_meso = 50, tli_light = 60, tli_moderate = 70;
};

const EvaluationRules& default_rules();

}  // namespace skyriver::standards
